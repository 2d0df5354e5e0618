#include "kiosk/ticket_print.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace mpp::kiosk {
namespace {

constexpr const char* kFont = "DejaVu Sans";

struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};

double TextWidth(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, text.c_str(), &ext);
  return ext.x_advance;
}

// Where laid-out lines are reported (TicketLines), or null.
thread_local std::vector<PrintedLine>* g_lines = nullptr;

// One centered line; a single word too wide for the paper shrinks, but never
// below kMinTextDots. Returns the height used.
double CenterLine(cairo_t* cr, double width, double y, const std::string& text, double size) {
  for (;;) {
    cairo_set_font_size(cr, size);
    if (TextWidth(cr, text) <= width * 0.94 || size * 0.92 < kMinTextDots) break;
    size *= 0.92;
  }
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  cairo_move_to(cr, (width - TextWidth(cr, text)) / 2, y + fe.ascent);
  cairo_show_text(cr, text.c_str());
  if (g_lines) g_lines->push_back({text, size, TextWidth(cr, text)});
  return fe.ascent + fe.descent;
}

// Centered text, at least kMinTextDots high; returns the height used. Text
// too wide for the paper is wrapped at spaces onto as many lines as it needs,
// with the lines balanced (the same number of lines, as even as they come),
// so a long service name stays readable on 58 mm paper.
double CenterText(cairo_t* cr, double width, double y, const std::string& text, double size,
                  bool bold) {
  if (text.empty()) return 0;
  size = std::max(size, kMinTextDots);
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  const double line_w = width * 0.94;
  if (TextWidth(cr, text) <= line_w) return CenterLine(cr, width, y, text, size);
  std::vector<std::string> words;
  for (size_t at = 0; at < text.size();) {
    const size_t space = text.find(' ', at);
    const size_t end = space == std::string::npos ? text.size() : space;
    if (end > at) words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  // Greedy wrap at a narrowing width: the narrowest that needs no more lines
  // than the full width does gives even lines ("Penerbitan Surat Keterangan
  // / Penelitian dan ..." rather than a last line of one word).
  auto wrap = [&](double w) {
    std::vector<std::string> lines;
    for (const std::string& word : words) {
      if (!lines.empty() && TextWidth(cr, lines.back() + " " + word) <= w) {
        lines.back() += " " + word;
      } else {
        lines.push_back(word);
      }
    }
    return lines;
  };
  std::vector<std::string> lines = wrap(line_w);
  for (double w = line_w * 0.95; w > line_w * 0.4; w *= 0.95) {
    std::vector<std::string> narrower = wrap(w);
    if (narrower.size() > lines.size()) break;
    lines = std::move(narrower);
  }
  double h = 0;
  for (const std::string& line : lines) h += CenterLine(cr, width, y + h, line, size);
  return h;
}

void Rule(cairo_t* cr, double width, double y) {
  cairo_set_line_width(cr, 2);
  cairo_move_to(cr, width * 0.05, y);
  cairo_line_to(cr, width * 0.95, y);
  cairo_stroke(cr);
}

// Draws the whole ticket at `width` dots; returns the height used.
double Layout(cairo_t* cr, const PrintedTicket& t, double width) {
  const double s = width / 384.0;
  cairo_set_source_rgb(cr, 0, 0, 0);
  double y = 8 * s;
  y += CenterText(cr, width, y, t.mpp_name, 22 * s, true) + 6 * s;
  Rule(cr, width, y);
  y += 10 * s;
  y += CenterText(cr, width, y, t.heading, 20 * s, false) + 2 * s;
  y += CenterText(cr, width, y, t.number, 96 * s, true) + 6 * s;
  y += CenterText(cr, width, y, t.service, 22 * s, true) + 4 * s;
  y += CenterText(cr, width, y, t.agency, 17 * s, false) + 8 * s;
  if (!t.priority_text.empty())
    y += CenterText(cr, width, y, t.priority_text, 20 * s, true) + 6 * s;
  y += CenterText(cr, width, y, t.wait_line, 18 * s, false) + 4 * s;
  y += CenterText(cr, width, y, t.where, 18 * s, false) + 4 * s;
  y += CenterText(cr, width, y, t.issued_text, 16 * s, false) + 10 * s;

  if (const QrModules qr = EncodeQr(t.qr_payload); qr.width > 0) {
    const double module = std::floor(std::min(6.0 * s, (width * 0.5) / qr.width));
    const double size = module * qr.width;
    const double x0 = std::floor((width - size) / 2);
    for (int r = 0; r < qr.width; ++r) {
      for (int c = 0; c < qr.width; ++c) {
        if (qr.at(r, c)) cairo_rectangle(cr, x0 + c * module, y + r * module, module, module);
      }
    }
    cairo_fill(cr);
    y += size + 6 * s;
    if (!t.qr_caption.empty()) y += CenterText(cr, width, y, t.qr_caption, 15 * s, false);
    y += 4 * s;
  }
  Rule(cr, width, y);
  y += 8 * s;
  y += CenterText(cr, width, y, t.keep_line, 15 * s, false) + 2 * s;
  y += CenterText(cr, width, y, t.complaint, 15 * s, false) + 16 * s;
  return y;
}

}  // namespace

int PaperDots(Paper paper) { return paper == Paper::k58mm ? 384 : 576; }

std::vector<PrintedLine> TicketLines(const PrintedTicket& t, Paper paper) {
  std::vector<PrintedLine> lines;
  std::unique_ptr<cairo_surface_t, CairoDeleter> rec(
      cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr));
  std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(rec.get()));
  g_lines = &lines;
  Layout(cr.get(), t, PaperDots(paper));
  g_lines = nullptr;
  return lines;
}

StatusOr<Raster> RenderTicket(const PrintedTicket& t, Paper paper) {
  const int width = PaperDots(paper);
  // Measure first on a recording surface, then draw at the exact height.
  std::unique_ptr<cairo_surface_t, CairoDeleter> rec(
      cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr));
  std::unique_ptr<cairo_t, CairoDeleter> rcr(cairo_create(rec.get()));
  const int height = static_cast<int>(std::ceil(Layout(rcr.get(), t, width)));

  std::unique_ptr<cairo_surface_t, CairoDeleter> img(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
  if (cairo_surface_status(img.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Error("cairo could not make a " + std::to_string(width) + "x" +
                         std::to_string(height) + " image");
  }
  std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(img.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_GRAY);
  Layout(cr.get(), t, width);
  cairo_surface_flush(img.get());

  Raster r;
  r.width = width;
  r.height = height;
  r.gray.resize(static_cast<size_t>(width) * height);
  const unsigned char* data = cairo_image_surface_get_data(img.get());
  const int stride = cairo_image_surface_get_stride(img.get());
  for (int y = 0; y < height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < width; ++x) {
      const uint32_t p = row[x];
      const int lum = (((p >> 16) & 0xff) * 30 + ((p >> 8) & 0xff) * 59 + (p & 0xff) * 11) / 100;
      r.gray[static_cast<size_t>(y) * width + x] = static_cast<uint8_t>(lum);
    }
  }
  return r;
}

Status WritePng(const Raster& r, const std::string& path) {
  std::unique_ptr<cairo_surface_t, CairoDeleter> img(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, r.width, r.height));
  unsigned char* data = cairo_image_surface_get_data(img.get());
  const int stride = cairo_image_surface_get_stride(img.get());
  for (int y = 0; y < r.height; ++y) {
    auto* row = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < r.width; ++x) {
      const uint32_t g = r.gray[static_cast<size_t>(y) * r.width + x];
      row[x] = (g << 16) | (g << 8) | g;
    }
  }
  cairo_surface_mark_dirty(img.get());
  if (cairo_surface_write_to_png(img.get(), path.c_str()) != CAIRO_STATUS_SUCCESS) {
    return Status::Error("cannot write " + path + "; check that the folder exists and is writable");
  }
  return Status::Ok();
}

Status WritePdf(const PrintedTicket& t, Paper paper, const std::string& path) {
  const double width_pt = (paper == Paper::k58mm ? 58.0 : 80.0) / 25.4 * 72.0;
  const double scale = width_pt / PaperDots(paper);
  std::unique_ptr<cairo_surface_t, CairoDeleter> rec(
      cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr));
  std::unique_ptr<cairo_t, CairoDeleter> rcr(cairo_create(rec.get()));
  const double height = Layout(rcr.get(), t, PaperDots(paper));
  std::unique_ptr<cairo_surface_t, CairoDeleter> pdf(
      cairo_pdf_surface_create(path.c_str(), width_pt, height * scale));
  if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Error("cannot write " + path);
  }
  std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(pdf.get()));
  cairo_scale(cr.get(), scale, scale);
  Layout(cr.get(), t, PaperDots(paper));
  cairo_show_page(cr.get());
  cr.reset();
  cairo_surface_finish(pdf.get());
  if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Error("cannot finish " + path);
  }
  return Status::Ok();
}

std::string EscPosRaster(const Raster& r) {
  const int bytes_per_row = (r.width + 7) / 8;
  std::string out;
  out += "\x1b\x40";                          // ESC @: initialize
  out += std::string("\x1d\x76\x30\x00", 4);  // GS v 0, normal density
  out += static_cast<char>(bytes_per_row & 0xff);
  out += static_cast<char>((bytes_per_row >> 8) & 0xff);
  out += static_cast<char>(r.height & 0xff);
  out += static_cast<char>((r.height >> 8) & 0xff);
  for (int y = 0; y < r.height; ++y) {
    for (int b = 0; b < bytes_per_row; ++b) {
      uint8_t byte = 0;
      for (int bit = 0; bit < 8; ++bit) {
        const int x = b * 8 + bit;
        if (x < r.width && r.gray[static_cast<size_t>(y) * r.width + x] < 128) {
          byte |= static_cast<uint8_t>(0x80 >> bit);
        }
      }
      out += static_cast<char>(byte);
    }
  }
  out += "\x1b\x64\x04";                      // ESC d 4: feed four lines
  out += std::string("\x1d\x56\x42\x00", 4);  // GS V 66 0: partial cut
  return out;
}

}  // namespace mpp::kiosk
