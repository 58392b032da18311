// Test support: a private one-node Slurm cluster (Debian 12 slurm-wlm 22.05 and munge 0.5.15,
// installed by scripts/setup.sh) that a test starts and stops, to submit real batch scripts.
// tests/fixtures/slurm/README.md describes it: the slurm.conf it writes and why, what it needs.
//
// What the constructor starts, all as root, all children of the test process (killed with it
// through PR_SET_PDEATHSIG), all in a fresh folder $TMPDIR/perf-agent-slurm-XXXXXX:
//   munged -F   on its own socket DIR/munge.socket with its own key DIR/munge.key (mungekey)
//   slurmctld -D with DIR/slurm.conf, listening on a free TCP port of the loopback address
//   slurmd -D -N localhost, the one node (NodeAddr the loopback address, CPUs = nproc), on another
// Clients reach it through env(): SLURM_CONF=DIR/slurm.conf, which also names the munge socket
// (AuthInfo=socket=...), so nothing of /etc/slurm, /etc/munge or /run/munge is used.
// The destructor cancels the jobs, stops the daemons, kills what is left of the jobs (every
// process whose environment holds this cluster's SLURM_CONF), stops munged, removes the folder.
#pragma once

#include "process.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace perf::test {

class SlurmCluster {
 public:
  // Waits (polling every 100 ms, each step up to 20 s: munged's socket exists, `scontrol ping`
  // says UP, `sinfo` shows the node idle, then a first job running `true` completes, about
  // 3.5 s in all) until the node accepts jobs. Throws std::runtime_error with the daemons' log
  // tails when it cannot start (having stopped what it started and removed the folder).
  SlurmCluster();
  ~SlurmCluster();
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  // "NAME=value" entries a command needs to reach this cluster: SLURM_CONF=DIR/slurm.conf.
  std::vector<std::string> env() const;
  int cpus() const { return cpus_; }  // CPUs the node offers (nproc of the test process)
  const std::string& dir() const { return dir_; }  // the cluster's folder (logs in DIR/log)

  // Submits `script` (a file; a relative path is taken from `workdir`) with `sbatch --parsable
  // --chdir=workdir` and env(), then waits for the job to finish as `sbatch --wait` does, but
  // watching the job's state every 100 ms (sbatch --wait polls every 2, 8, then 32 s).
  // exit_code: as sbatch --wait gives it (the script's exit status; 1 when it was killed by a
  // signal), or -1 on timeout (the job is then cancelled). out: the job's standard output file
  // (its StdOut, by default workdir/slurm-ID.out). err: sbatch's messages, "job ID: STATE
  // ExitCode=X:S", and the job's StdErr file when that is a different file.
  CommandResult run_batch(const std::string& script, const std::string& workdir,
                          std::chrono::seconds timeout) const;

  struct Daemons;  // the started processes (slurm.cpp)

 private:
  std::string log_tails() const;
  void stop() noexcept;

  std::string dir_;
  std::string conf_;
  int cpus_ = 0;
  std::unique_ptr<Daemons> daemons_;
};

// Whether Slurm can run here: the binaries (slurmctld, slurmd, munged, mungekey, sbatch, srun,
// scontrol, sinfo, squeue, scancel) exist and we are root. Tests do not skip when it is false:
// they fail with `why` as the message.
bool slurm_available(std::string& why);

}  // namespace perf::test
