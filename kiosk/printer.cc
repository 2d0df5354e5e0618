#include "kiosk/printer.h"

#include <cups/cups.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace mpp::kiosk {
namespace {

constexpr int kDeviceTimeoutMs = 5000;

class FilePrinter : public Printer {
 public:
  FilePrinter(std::string dir, Paper paper) : dir_(std::move(dir)), paper_(paper) {}
  Status Print(const PrintedTicket& t, const std::string& stem) override {
    auto raster = RenderTicket(t, paper_);
    if (!raster.ok()) return raster.status();
    const std::string base = (std::filesystem::path(dir_) / stem).string();
    if (auto st = WritePng(*raster, base + ".png"); !st.ok()) return st;
    return WritePdf(t, paper_, base + ".pdf");
  }
  std::string Describe() const override { return "file:" + dir_; }

 private:
  std::string dir_;
  Paper paper_;
};

// Words for what a USB printer class driver (usblp) reports through errno.
std::string DeviceError(const std::string& path, int err) {
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      return "printer " + path + " is not connected: check the USB cable and that it is on";
    case ENOSPC:
      return "printer is out of paper: load a new roll";
    case EIO:
      return "printer is off-line or its cover is open: close the cover, check the paper";
    case EACCES:
    case EPERM:
      return "no permission to write to " + path + ": add the kiosk user to group 'lp'";
    case EBUSY:
      return "printer " + path + " is in use by another program";
    default:
      return "printer " + path + ": " + std::strerror(err);
  }
}

// Waits until `fd` is writable or the deadline passes.
bool WaitWritable(int fd, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
  pollfd p{fd, POLLOUT, 0};
  return left > 0 && poll(&p, 1, static_cast<int>(left)) > 0;
}

// A network printer's raw port (JetDirect, 9100): connected within the
// timeout, or a sentence saying what to check.
StatusOr<int> ConnectPrinter(const std::string& host, const std::string& port,
                             std::chrono::steady_clock::time_point deadline) {
  const std::string where = host + ":" + port;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Status::Error("cannot find the printer " + where + " (" + gai_strerror(rc) +
                         "): check its address in --printer");
  }
  std::string why = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
        (errno == EINPROGRESS && WaitWritable(fd, deadline))) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        freeaddrinfo(found);
        return fd;
      }
      why = err == ECONNREFUSED ? "refuses the connection: is it on, and is raw printing on port " +
                                      port + " enabled?"
                                : std::string(std::strerror(err));
    } else {
      why = errno == EINPROGRESS ? "does not answer within 5 s: check its network cable and "
                                   "IP address"
                                 : std::string(std::strerror(errno));
    }
    close(fd);
  }
  freeaddrinfo(found);
  return Status::Error("printer " + where + " " + why);
}

// ESC/POS raster to a USB device file (escpos:/dev/usb/lp0) or a network
// printer's raw port (escpos:tcp:HOST[:PORT], 9100 by default).
class EscPosPrinter : public Printer {
 public:
  EscPosPrinter(std::string target, Paper paper) : target_(std::move(target)), paper_(paper) {
    if (target_.rfind("tcp:", 0) == 0) {
      network_ = true;
      std::string rest = target_.substr(4);  // HOST, HOST:PORT, [IPv6] or [IPv6]:PORT
      port_ = "9100";
      if (!rest.empty() && rest.front() == '[') {
        const size_t close = rest.find(']');
        host_ = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        if (close != std::string::npos && close + 1 < rest.size() && rest[close + 1] == ':')
          port_ = rest.substr(close + 2);
      } else if (const size_t colon = rest.find(':'); colon != std::string::npos) {
        host_ = rest.substr(0, colon);
        port_ = rest.substr(colon + 1);
      } else {
        host_ = rest;
      }
    }
  }
  Status Print(const PrintedTicket& t, const std::string&) override {
    auto raster = RenderTicket(t, paper_);
    if (!raster.ok()) return raster.status();
    const std::string bytes = EscPosRaster(*raster);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kDeviceTimeoutMs);
    int fd = -1;
    if (network_) {
      auto connected = ConnectPrinter(host_, port_, deadline);
      if (!connected.ok()) return connected.status();
      fd = *connected;
    } else {
      fd = open(target_.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) return Status::Error(DeviceError(target_, errno));
    }
    const std::string name = network_ ? host_ + ":" + port_ : target_;
    Status status;
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = network_ ? send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL)
                                 : write(fd, bytes.data() + done, bytes.size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN) {
        status = Status::Error(network_ ? "printer " + name + " broke the connection (" +
                                              std::strerror(errno) + "): check it and reprint"
                                        : DeviceError(target_, errno));
        break;
      }
      if (!WaitWritable(fd, deadline)) {
        status = Status::Error("printer " + name +
                               " does not take data (stuck for 5 s): check paper and cover");
        break;
      }
    }
    close(fd);
    return status;
  }
  std::string Describe() const override { return "escpos:" + target_; }

 private:
  std::string target_;
  bool network_ = false;
  std::string host_, port_;
  Paper paper_;
};

class CupsPrinter : public Printer {
 public:
  CupsPrinter(std::string queue, Paper paper) : queue_(std::move(queue)), paper_(paper) {}
  Status Print(const PrintedTicket& t, const std::string& stem) override {
    char tmpl[] = "/tmp/mpp-ticket-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0)
      return Status::Error(std::string("cannot make a temporary file: ") + strerror(errno));
    close(fd);
    const std::string pdf = tmpl;
    Status status = WritePdf(t, paper_, pdf);
    if (status.ok()) {
      const int job =
          cupsPrintFile2(CUPS_HTTP_DEFAULT, queue_.c_str(), pdf.c_str(), stem.c_str(), 0, nullptr);
      if (job == 0) {
        status = Status::Error("CUPS queue '" + queue_ +
                               "' refused the ticket: " + cupsLastErrorString() +
                               " (is cupsd running and the queue enabled? lpstat -p)");
      }
    }
    unlink(pdf.c_str());
    return status;
  }
  std::string Describe() const override { return "cups:" + queue_; }

 private:
  std::string queue_;
  Paper paper_;
};

class NoPrinter : public Printer {
 public:
  Status Print(const PrintedTicket&, const std::string&) override {
    return Status::Error("this kiosk has no printer");
  }
  std::string Describe() const override { return "none"; }
};

}  // namespace

StatusOr<std::unique_ptr<Printer>> OpenPrinter(const std::string& spec, Paper paper) {
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "none" && arg.empty()) return std::unique_ptr<Printer>(new NoPrinter());
  if (!arg.empty()) {
    if (kind == "file") {
      std::error_code ec;
      if (!std::filesystem::is_directory(arg, ec)) {
        return Status::Error("--printer file:" + arg + ": no such folder; create it first");
      }
      return std::unique_ptr<Printer>(new FilePrinter(arg, paper));
    }
    if (kind == "escpos") return std::unique_ptr<Printer>(new EscPosPrinter(arg, paper));
    if (kind == "cups") return std::unique_ptr<Printer>(new CupsPrinter(arg, paper));
  }
  return Status::Error("--printer '" + spec +
                       "' is not understood; use escpos:/dev/usb/lp0, escpos:tcp:HOST:9100, "
                       "cups:QUEUE, file:DIR or none");
}

}  // namespace mpp::kiosk
