#include "broker/store/db_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mpp::store {
namespace {

// The pid holding a flock on the file with inode `ino`, from /proc/locks
// ("1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"), or 0.
long FlockHolder(ino_t ino) {
  std::ifstream locks("/proc/locks");
  std::string line;
  const std::string suffix = ":" + std::to_string(ino);
  while (std::getline(locks, line)) {
    std::istringstream in(line);
    std::string n, kind, advisory, mode, dev_ino;
    long pid = 0;
    if (!(in >> n >> kind)) continue;
    if (kind == "->") in >> kind;  // a waiter
    if (kind != "FLOCK" || !(in >> advisory >> mode >> pid >> dev_ino)) continue;
    if (dev_ino.size() > suffix.size() &&
        dev_ino.compare(dev_ino.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return pid;
    }
  }
  return 0;
}

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

StatusOr<DatabaseLock> DatabaseLock::Acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    std::string why = "cannot open the database " + path + " for writing: " + std::strerror(err);
    if (err == EROFS || err == EPERM || err == EACCES) {
      why += ". The broker writes every ticket to it: is the volume mounted read-only (`mount`), "
             "the file immutable (`lsattr`), or owned by another user (`ls -l`)?";
    }
    return Status::Error(why);
  }
  DatabaseLock lock(fd);
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    return Status::Error("cannot read the mode of " + path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::Error("the database " + path + " may be read by other users (mode " +
                         Octal(st.st_mode) +
                         "); it holds the operators' PIN hashes. Run: chmod 600 " + path +
                         " (and its -wal and -shm files, if any)");
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return Status::Error("cannot lock the database " + path + ": " + std::strerror(errno));
    }
    const long pid = FlockHolder(st.st_ino);
    return Status::Error("the database " + path + " is in use by another mpp-broker" +
                         (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
                         "; two brokers on one file would destroy each other's tickets. Stop "
                         "that one first, or give this one its own --db");
  }
  return lock;
}

Status CheckFolderWritable(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string probe = path + ".write-probe-" + std::to_string(getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Error("the folder " + dir + " of the database cannot be written to (" +
                         std::strerror(errno) +
                         "); SQLite keeps " + path + "-wal and -shm beside the database. Is the "
                         "volume mounted read-only, the folder immutable (`lsattr -d`), or owned "
                         "by another user?");
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::Ok();
}

DatabaseLock::~DatabaseLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace mpp::store
