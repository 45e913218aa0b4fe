// Internal to distsync_sync: the worker loop over a caller's ZeroMQ context, so in-process
// workers can reach the dispatcher's inproc:// endpoint. Not a public header: it includes
// ZeroMQ.
#pragma once

#include <zmq.hpp>

#include "daemon/sync/copy_worker.h"

namespace distsync {

// See run_copy_worker. `limiters` must outlive the call.
Status run_copy_worker_loop(zmq::context_t& context, const CopyWorkerOptions& options, int stop_fd,
                            LimiterRegistry& limiters);

}  // namespace distsync
