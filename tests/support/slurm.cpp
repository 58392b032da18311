#include "slurm.hpp"

#include "nginx.hpp"  // free_port

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace perf::test {

namespace {

constexpr const char* node_name = "localhost";

// The programs, by full path: the daemons are in /usr/sbin, which a user's PATH may lack.
const std::vector<std::string>& programs() {
  static const std::vector<std::string> list = {
      "/usr/sbin/munged", "/usr/sbin/mungekey", "/usr/sbin/slurmctld", "/usr/sbin/slurmd",
      "/usr/bin/sbatch",  "/usr/bin/srun",      "/usr/bin/scontrol",   "/usr/bin/sinfo",
      "/usr/bin/squeue",  "/usr/bin/scancel"};
  return list;
}

// A daemon of the cluster, in the foreground, its output in DIR/log/NAME.{out,err}. It dies
// with the test process (PR_SET_PDEATHSIG) however that ends.
class Child {
 public:
  Child(const std::string& name, const std::vector<std::string>& argv,
        const std::vector<std::string>& env_add, const std::string& log_dir)
      : name_(name), err_path_(log_dir + "/" + name + ".err") {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string entry(*e);
      const auto key = entry.substr(0, entry.find('='));
      if (std::none_of(env_add.begin(), env_add.end(),
                       [&](const std::string& a) { return a.substr(0, a.find('=')) == key; }))
        env.push_back(entry);
    }
    env.insert(env.end(), env_add.begin(), env_add.end());
    std::vector<std::string> args = argv;
    std::vector<char*> c_argv, c_env;
    for (auto& a : args) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    for (auto& e : env) c_env.push_back(e.data());
    c_env.push_back(nullptr);
    const std::string out_path = log_dir + "/" + name + ".out";
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in < 0 || out < 0 || err < 0) throw std::runtime_error("cannot open files in " + log_dir);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::setpgid(0, 0);  // Ctrl-C on the test's terminal reaches the test, which stops us
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::execve(c_argv[0], c_argv.data(), c_env.data());
      ::_exit(127);
    }
    ::close(in);
    ::close(out);
    ::close(err);
    if (pid_ < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  }
  ~Child() { stop(std::chrono::seconds(10)); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  const std::string& name() const { return name_; }
  bool running() {
    if (!reaped_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return !reaped_;
  }
  std::string how_it_ended() {
    if (running()) return name_ + " is running";
    if (WIFEXITED(status_)) return name_ + " exited with " + std::to_string(WEXITSTATUS(status_));
    return name_ + " was killed by signal " + std::to_string(WTERMSIG(status_));
  }
  // SIGTERM, then SIGKILL when it has not exited after `grace`; reaped either way.
  void stop(std::chrono::milliseconds grace) {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    // waitpid has no timeout: poll for the exit until the grace period ends, then SIGKILL.
    while (running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      reaped_ = true;
    }
  }

 private:
  std::string name_;
  std::string err_path_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

bool is_loopback(const std::string& ipv4) {
  return ipv4.rfind("127.", 0) == 0;
}

// The address Slurm binds to with CommunicationParameters=NoInAddrAny/NoCtldInAddrAny: the
// first IPv4 address this machine's hostname resolves to (slurm_setup_addr). Empty when that is
// not a loopback address (or does not resolve): then the daemons must listen on any address.
std::string hostname_loopback_address() {
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "";
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host, nullptr, &hints, &found) != 0 || !found) return "";
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, text,
              sizeof text);
  ::freeaddrinfo(found);
  return is_loopback(text) ? text : "";
}

std::string tail(const std::string& path, std::size_t lines) {
  const std::string text = slurp(path);
  std::size_t at = text.size();
  if (at > 0 && text[at - 1] == '\n') --at;
  for (std::size_t n = 0; n < lines && at > 0; ++n) {
    const auto nl = text.rfind('\n', at - 1);
    if (nl == std::string::npos) {
      at = 0;
      break;
    }
    at = nl;
  }
  return text.substr(at == 0 ? 0 : at + 1);
}

// The value of `key` in one line of `scontrol -o show job` ("JobState=COMPLETED ...").
std::string field(const std::string& line, const std::string& key) {
  std::size_t at = line.rfind(key + "=", 0) == 0 ? 0 : line.find(" " + key + "=");
  if (at == std::string::npos) return "";
  if (line[at] == ' ') ++at;
  at += key.size() + 1;
  const auto end = line.find_first_of(" \n", at);
  return line.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// Base states after which a job no longer runs (sbatch's IS_JOB_FINISHED). scontrol shows
// COMPLETING while the job's processes are still being ended: not finished yet for us.
bool finished(const std::string& state) {
  static const std::vector<std::string> done = {"COMPLETED", "CANCELLED", "FAILED",
                                                "TIMEOUT",   "NODE_FAIL", "PREEMPTED",
                                                "BOOT_FAIL", "DEADLINE",  "OUT_OF_MEMORY"};
  return std::find(done.begin(), done.end(), state) != done.end();
}

// Slurm offers no event to wait on (no callback when a job ends or a node turns idle): its
// state is asked for again every `every` until the condition holds or the deadline passes. The
// sleep is the interval between questions, not a wait for something assumed to have happened.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = std::chrono::milliseconds(100)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace

struct SlurmCluster::Daemons {
  std::unique_ptr<Child> munged, slurmctld, slurmd;
};

bool slurm_available(std::string& why) {
  why.clear();
  for (const auto& p : programs())
    if (::access(p.c_str(), X_OK) != 0) why += p + " is missing; ";
  if (!why.empty())
    why += "install the Debian packages slurm-wlm and munge (scripts/setup.sh does). ";
  if (::geteuid() != 0)
    why += "The Slurm fixture starts munged, slurmctld and slurmd as root: run the test as root.";
  return why.empty();
}

SlurmCluster::SlurmCluster() : daemons_(std::make_unique<Daemons>()) {
  std::string why;
  if (!slurm_available(why)) throw std::runtime_error("Slurm cannot run here: " + why);
  std::string pattern =
      (std::filesystem::temp_directory_path() / "perf-agent-slurm-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  dir_ = pattern;
  try {
    // munged wants every folder above its socket searchable by all ("execute permissions for
    // all required"); mkdtemp makes 0700.
    ::chmod(dir_.c_str(), 0755);
    for (const char* sub : {"state", "spool", "log"})
      std::filesystem::create_directories(dir_ + "/" + sub);
    conf_ = dir_ + "/slurm.conf";
    cpus_ = usable_cpus();
    const int ctld_port = free_port();
    int slurmd_port = free_port();
    while (slurmd_port == ctld_port) slurmd_port = free_port();
    const std::string bound = hostname_loopback_address();
    const std::string address = bound.empty() ? "127.0.0.1" : bound;

    const auto key = run({"/usr/sbin/mungekey", "--create", "--keyfile=" + dir_ + "/munge.key"}, {},
                         std::chrono::seconds(30));
    if (key.exit_code != 0) throw std::runtime_error("mungekey failed: " + key.out + key.err);

    std::ofstream conf(conf_);
    conf << "# Written by perf::test::SlurmCluster (tests/support/slurm.cpp) for one test.\n"
         << "ClusterName=perf\n"
         << "SlurmctldHost=localhost(" << address << ")\n"
         << "SlurmctldPort=" << ctld_port << "\n"
         << "SlurmdPort=" << slurmd_port << "\n"
         << (bound.empty() ? "" : "CommunicationParameters=NoCtldInAddrAny,NoInAddrAny\n")
         << "SlurmUser=root\nSlurmdUser=root\n"
         << "AuthType=auth/munge\nCredType=cred/munge\n"
         << "AuthInfo=socket=" << dir_ << "/munge.socket\n"
         << "StateSaveLocation=" << dir_ << "/state\n"
         << "SlurmdSpoolDir=" << dir_ << "/spool\n"
         << "SlurmctldPidFile=" << dir_ << "/slurmctld.pid\n"
         << "SlurmdPidFile=" << dir_ << "/slurmd.pid\n"
         << "SlurmctldLogFile=" << dir_ << "/log/slurmctld.log\n"
         << "SlurmdLogFile=" << dir_ << "/log/slurmd.log\n"
         << "SlurmctldDebug=info\nSlurmdDebug=info\n"
         << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
         << "JobAcctGatherType=jobacct_gather/none\n"
         << "AccountingStorageType=accounting_storage/none\nJobCompType=jobcomp/none\n"
         << "SwitchType=switch/none\nMpiDefault=none\n"
         << "SelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\n"
         << "SchedulerType=sched/backfill\nSchedulerParameters=batch_sched_delay=0\n"
         << "ReturnToService=2\nSlurmdParameters=config_overrides\n"
         << "MailProg=/bin/true\n"
         << "NodeName=" << node_name << " NodeHostname=localhost NodeAddr=" << address
         << " CPUs=" << cpus_ << " State=UNKNOWN\n"
         << "PartitionName=perf Nodes=" << node_name
         << " Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO\n";
    conf.close();
    if (!conf) throw std::runtime_error("cannot write " + conf_);

    const std::string log = dir_ + "/log";
    const std::string socket = dir_ + "/munge.socket";
    daemons_->munged = std::make_unique<Child>(
        "munged",
        std::vector<std::string>{
            "/usr/sbin/munged", "--foreground", "--socket=" + socket,
            "--key-file=" + dir_ + "/munge.key", "--pid-file=" + dir_ + "/munged.pid",
            "--seed-file=" + dir_ + "/munged.seed", "--log-file=" + log + "/munged.log"},
        env(), log);
    if (!wait_until([&] { return std::filesystem::exists(socket) || !daemons_->munged->running(); },
                    std::chrono::seconds(20)) ||
        !daemons_->munged->running())
      throw std::runtime_error("munged did not create its socket (" +
                               daemons_->munged->how_it_ended() + ")");

    daemons_->slurmctld = std::make_unique<Child>(
        "slurmctld", std::vector<std::string>{"/usr/sbin/slurmctld", "-D", "-f", conf_}, env(),
        log);
    const auto ctld_up = [&] {
      if (!daemons_->slurmctld->running()) return true;
      const auto ping = run({"/usr/bin/scontrol", "ping"}, env(), std::chrono::seconds(15));
      return ping.out.find("is UP") != std::string::npos;
    };
    if (!wait_until(ctld_up, std::chrono::seconds(20)) || !daemons_->slurmctld->running())
      throw std::runtime_error("slurmctld did not answer `scontrol ping` (" +
                               daemons_->slurmctld->how_it_ended() + ")");

    daemons_->slurmd = std::make_unique<Child>(
        "slurmd", std::vector<std::string>{"/usr/sbin/slurmd", "-D", "-f", conf_, "-N", node_name},
        env(), log);
    std::string state;
    const auto node_idle = [&] {
      if (!daemons_->slurmd->running() || !daemons_->slurmctld->running()) return true;
      const auto sinfo =
          run({"/usr/bin/sinfo", "-h", "-N", "-o", "%T"}, env(), std::chrono::seconds(15));
      state = sinfo.out.substr(0, sinfo.out.find('\n'));
      return state == "idle";
    };
    if (!wait_until(node_idle, std::chrono::seconds(20)) || state != "idle")
      throw std::runtime_error("the node did not become idle (sinfo says \"" + state + "\"; " +
                               daemons_->slurmctld->how_it_ended() + ", " +
                               daemons_->slurmd->how_it_ended() + ")");
    // slurmctld's scheduler first runs about 3 s after its start, whatever batch_sched_delay
    // says; later jobs start within its 1 s loop. A first job that runs `true` makes sure the
    // node really takes jobs, and that the caller's jobs start promptly (which matters to
    // `--start-at` instants).
    std::ofstream(dir_ + "/probe.sh") << "#!/bin/sh\ntrue\n";
    const auto probe = run_batch("probe.sh", dir_, std::chrono::seconds(30));
    if (probe.exit_code != 0)
      throw std::runtime_error("a first job (true) did not complete: exit code " +
                               std::to_string(probe.exit_code) + "\n" + probe.err + probe.out);
  } catch (const std::exception& e) {
    const std::string message = std::string("Slurm cluster in ") + dir_ +
                                " did not start: " + e.what() + "\n" + log_tails();
    stop();
    throw std::runtime_error(message);
  }
}

SlurmCluster::~SlurmCluster() {
  stop();
}

std::vector<std::string> SlurmCluster::env() const {
  return {"SLURM_CONF=" + conf_};
}

std::string SlurmCluster::log_tails() const {
  std::string out;
  for (const char* name :
       {"munged.err", "slurmctld.err", "slurmctld.log", "slurmd.err", "slurmd.log"}) {
    const std::string path = dir_ + "/log/" + name;
    if (!std::filesystem::exists(path)) continue;
    out += "--- last lines of " + path + ":\n" + tail(path, 25);
    if (!out.empty() && out.back() != '\n') out += '\n';
  }
  return out;
}

CommandResult SlurmCluster::run_batch(const std::string& script, const std::string& workdir,
                                      std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string path =
      std::filesystem::path(script).is_absolute() ? script : workdir + "/" + script;
  CommandResult result;
  const auto submitted =
      run({"/usr/bin/sbatch", "--parsable", "--chdir=" + workdir, path}, env(), timeout);
  result.err = submitted.err;  // its stdout is the job ID (--parsable), named below
  if (submitted.exit_code != 0) {
    result.exit_code = submitted.exit_code == -1 ? -1 : submitted.exit_code;
    result.err += "(sbatch failed)\n";
    return result;
  }
  const std::string id = submitted.out.substr(0, submitted.out.find_first_of(";\n"));
  std::string line, state;
  const auto show = [&] {
    const auto shown =
        run({"/usr/bin/scontrol", "-o", "show", "job", id}, env(), std::chrono::seconds(15));
    if (shown.exit_code == 0) {
      line = shown.out;
      state = field(line, "JobState");
    }
    return finished(state);
  };
  const auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  };
  bool done = wait_until(show, std::max(left(), std::chrono::milliseconds(0)));
  if (!done) {
    run({"/usr/bin/scancel", id}, env(), std::chrono::seconds(15));
    wait_until(show, std::chrono::seconds(15));
    result.err += "job " + id + " did not finish within " + std::to_string(timeout.count()) +
                  " s: cancelled (" + state + ")\n";
  }
  const std::string out_path = field(line, "StdOut");
  const std::string err_path = field(line, "StdErr");
  const std::string exit = field(line, "ExitCode");  // "status:signal"
  if (!out_path.empty()) result.out = slurp(out_path);
  if (!err_path.empty() && err_path != out_path) result.err += slurp(err_path);
  result.err += "job " + id + ": " + state + " ExitCode=" + exit +
                " SubmitTime=" + field(line, "SubmitTime") +
                " StartTime=" + field(line, "StartTime") + " EndTime=" + field(line, "EndTime") +
                "\n";
  if (!done) {
    result.exit_code = -1;
  } else {
    const auto colon = exit.find(':');
    const int status = std::atoi(exit.c_str());
    const int signal = colon == std::string::npos ? 0 : std::atoi(exit.c_str() + colon + 1);
    result.exit_code = signal != 0 ? 1 : status;  // sbatch --wait: WIFEXITED ? status : 1
  }
  return result;
}

void SlurmCluster::stop() noexcept {
  try {
    if (daemons_->slurmctld && daemons_->slurmctld->running()) {
      // Jobs first, so their processes end the way Slurm ends them.
      const auto queued =
          run({"/usr/bin/squeue", "-h", "-o", "%i"}, env(), std::chrono::seconds(15));
      std::vector<std::string> cancel = {"/usr/bin/scancel"};
      std::istringstream ids(queued.out);
      for (std::string id; ids >> id;) cancel.push_back(id);
      if (cancel.size() > 1) {
        run(cancel, env(), std::chrono::seconds(15));
        wait_until(
            [&] {
              return run({"/usr/bin/squeue", "-h"}, env(), std::chrono::seconds(15)).out.empty();
            },
            std::chrono::seconds(15), std::chrono::milliseconds(200));
      }
    }
    if (daemons_->slurmd) daemons_->slurmd->stop(std::chrono::seconds(10));
    if (daemons_->slurmctld) daemons_->slurmctld->stop(std::chrono::seconds(10));
    // What is left of jobs (slurmstepd, its tasks) is no child of ours: it carries this
    // cluster's SLURM_CONF in its environment, which no other process has.
    if (!conf_.empty()) {
      const std::string mark = "SLURM_CONF=" + conf_;
      for (int round = 0; round < 20; ++round) {
        int killed = 0;
        if (DIR* proc = ::opendir("/proc")) {
          while (const dirent* entry = ::readdir(proc)) {
            const pid_t pid = std::atoi(entry->d_name);
            if (pid <= 1 || pid == ::getpid()) continue;
            std::ifstream in("/proc/" + std::string(entry->d_name) + "/environ", std::ios::binary);
            std::string variable;
            while (std::getline(in, variable, '\0'))
              if (variable == mark) {
                ::kill(pid, SIGKILL);
                ++killed;
                break;
              }
          }
          ::closedir(proc);
        }
        if (killed == 0) break;
        // Killed processes leave /proc asynchronously: look again shortly (bounded by the loop).
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    if (daemons_->munged) daemons_->munged->stop(std::chrono::seconds(10));
    daemons_->slurmd.reset();
    daemons_->slurmctld.reset();
    daemons_->munged.reset();
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  } catch (...) {
    // A destructor: nothing to report to.
  }
}

}  // namespace perf::test
