#include "mpibatch/app/cli.h"

int main(int argc, char** argv) { return mpibatch::app::main(argc, argv); }
