#include "kiosk/printer.h"

#include <cups/cups.h>
#include <fcntl.h>
#include <poll.h>
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

class EscPosPrinter : public Printer {
 public:
  EscPosPrinter(std::string path, Paper paper) : path_(std::move(path)), paper_(paper) {}
  Status Print(const PrintedTicket& t, const std::string&) override {
    auto raster = RenderTicket(t, paper_);
    if (!raster.ok()) return raster.status();
    const std::string bytes = EscPosRaster(*raster);
    const int fd = open(path_.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return Status::Error(DeviceError(path_, errno));
    Status status;
    size_t done = 0;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kDeviceTimeoutMs);
    while (done < bytes.size()) {
      const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN) {
        status = Status::Error(DeviceError(path_, errno));
        break;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      pollfd p{fd, POLLOUT, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
        status = Status::Error("printer " + path_ +
                               " does not take data (stuck for 5 s): check paper and cover");
        break;
      }
    }
    close(fd);
    return status;
  }
  std::string Describe() const override { return "escpos:" + path_; }

 private:
  std::string path_;
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
                       "' is not understood; use escpos:/dev/usb/lp0, cups:QUEUE, file:DIR or "
                       "none");
}

}  // namespace mpp::kiosk
