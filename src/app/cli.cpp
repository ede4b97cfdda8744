#include "mpibatch/app/cli.h"

namespace mpibatch::app {

int main(int, char**) { return 0; }

}  // namespace mpibatch::app
