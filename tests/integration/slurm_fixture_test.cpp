#define BOOST_TEST_MODULE slurm_fixture
// The Slurm test fixture itself (tests/support/slurm.hpp, tests/fixtures/slurm/README.md): a
// private one-node cluster starts, takes a real batch script whose `srun -n 2` runs two tasks
// that see SLURM_PROCID 0 and 1, reports the script's exit code, cancels a job that outlives
// its timeout, and leaves neither a process nor its folder behind. Not skipped when Slurm
// cannot run here: it fails and says why.
#include "process.hpp"
#include "slurm.hpp"

#include <boost/test/unit_test.hpp>

#include <dirent.h>

#include <filesystem>
#include <fstream>
#include <thread>

using perf::test::SlurmCluster;

namespace {

void require_slurm() {
  std::string why;
  BOOST_REQUIRE_MESSAGE(perf::test::slurm_available(why), "Slurm cannot run here: " + why);
}

std::string workdir(const std::string& name) {
  const std::string dir = perf::test::temp_dir() + "/" + name;
  std::filesystem::create_directories(dir);
  return dir;
}

void write_script(const std::string& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
}

// Processes whose environment holds `entry` (the cluster's SLURM_CONF=...).
int processes_with(const std::string& entry) {
  int count = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return -1;
  while (const dirent* e = ::readdir(proc)) {
    if (std::atoi(e->d_name) <= 1) continue;
    std::ifstream in("/proc/" + std::string(e->d_name) + "/environ", std::ios::binary);
    std::string variable;
    while (std::getline(in, variable, '\0'))
      if (variable == entry) {
        ++count;
        break;
      }
  }
  ::closedir(proc);
  return count;
}

}  // namespace

BOOST_AUTO_TEST_CASE(srun_runs_two_tasks_of_a_batch_script) {
  require_slurm();
  const auto starting = std::chrono::steady_clock::now();
  SlurmCluster cluster;
  BOOST_TEST_MESSAGE("cluster started in " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::steady_clock::now() - starting)
                                                  .count()
                                           << " ms");
  BOOST_TEST_MESSAGE("cluster in " << cluster.dir() << ", " << cluster.cpus() << " CPUs, "
                                   << cluster.env().front());
  BOOST_REQUIRE_GE(cluster.cpus(), 1);
  const auto dir = workdir("two-tasks");
  // Two tasks need two CPUs of the allocation; on a one-CPU node they may share it.
  write_script(dir + "/job.sh",
               std::string("#SBATCH --ntasks=2\n#SBATCH --job-name=perf-fixture\n") +
                   (cluster.cpus() < 2 ? "#SBATCH --overcommit\n" : "") +
                   "srun -n 2 sh -c 'echo task $SLURM_PROCID of $SLURM_NTASKS; "
                   "echo $SLURM_PROCID > procid-$SLURM_PROCID'\n");
  const auto started = std::chrono::steady_clock::now();
  const auto result = cluster.run_batch("job.sh", dir, std::chrono::seconds(30));
  BOOST_TEST_MESSAGE("job output:\n" << result.out << "sbatch/scontrol:\n" << result.err);
  BOOST_TEST_MESSAGE("job took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started)
                                        .count()
                                 << " ms");
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(result.out.find("task 0 of 2\n") != std::string::npos);
  BOOST_TEST(result.out.find("task 1 of 2\n") != std::string::npos);
  // Each task ran in the job's working folder and saw its own SLURM_PROCID.
  BOOST_TEST(perf::test::slurp(dir + "/procid-0") == "0\n");
  BOOST_TEST(perf::test::slurp(dir + "/procid-1") == "1\n");
}

BOOST_AUTO_TEST_CASE(exit_code_timeout_and_cleanup) {
  require_slurm();
  std::string mark, cluster_dir;
  {
    SlurmCluster cluster;
    mark = cluster.env().front();
    cluster_dir = cluster.dir();
    const auto dir = workdir("exit-codes");

    write_script(dir + "/fails.sh", "echo failing\nexit 3\n");
    const auto failed = cluster.run_batch(dir + "/fails.sh", dir, std::chrono::seconds(30));
    BOOST_TEST_MESSAGE(failed.err);
    BOOST_TEST(failed.exit_code == 3);
    BOOST_TEST(failed.out == "failing\n");

    // A job that outlives its timeout: -1, and it is cancelled.
    write_script(dir + "/sleeps.sh", "srun sleep 300\n");
    const auto slept = cluster.run_batch("sleeps.sh", dir, std::chrono::seconds(3));
    BOOST_TEST(slept.exit_code == -1);
    BOOST_TEST(slept.err.find("CANCELLED") != std::string::npos, slept.err);

    // A job still running when the cluster goes: the destructor ends it.
    const auto submitted = perf::test::run({"sbatch", "--chdir=" + dir, dir + "/sleeps.sh"},
                                           cluster.env(), std::chrono::seconds(30));
    BOOST_REQUIRE_EQUAL(submitted.exit_code, 0);
    bool running = false;
    for (int i = 0; i < 200 && !running; ++i) {
      running = perf::test::run({"squeue", "-h", "-t", "R", "-o", "%i"}, cluster.env()).out != "";
      // squeue is the only way to learn that the job runs: ask again (at most 20 s in all).
      if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST(running);
    BOOST_TEST(processes_with(mark) > 0);
  }
  BOOST_TEST(!std::filesystem::exists(cluster_dir));
  BOOST_TEST(processes_with(mark) == 0);
}
