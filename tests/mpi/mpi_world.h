#pragma once
/// \file The MPI environment and world communicator of the mpi_tests binary (mpi_main.cpp).

#include "mpibatch/comm/mpi_communicator.h"
#include "mpibatch/comm/mpi_environment.h"

namespace mpibatch::testing {

const comm::MpiEnvironment& mpi_environment();
comm::MpiCommunicator& mpi_world();

}  // namespace mpibatch::testing
