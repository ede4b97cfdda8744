// Placeholder until the libsndfile implementation lands (issue 3).
#include "mpibatch/audio/audio_book_writer.h"
