// The HTML of mpp-web's pages and the payload of its live updates, from the
// views of web/status_view.h. Server-rendered and readable without
// JavaScript: the ticket page's live part is one fragment, sent whole in the
// page and again in every Server-Sent Event, which the page's small script
// (kAppJs) puts in place. Large type, high contrast, no outside resources.
#pragma once

#include <string>
#include <string_view>

#include "common/i18n.h"
#include "web/status_view.h"

namespace mpp::web {

std::string HtmlEscape(std::string_view text);

struct PageContext {
  Lang lang = Lang::kId;
  std::string path;      // this page's path, for the language switch ("/t/TOKEN")
  std::string mpp_name;  // the catalog's name
};

// The page around `body`: language switch, the MPP's name, the footer's
// links, styles and script; `refresh_without_script` reloads it every 30 s
// where JavaScript is off.
std::string PageShell(const std::string& title, const std::string& body, const PageContext& c,
                      const std::string& body_class, bool refresh_without_script);

// The ticket's live part: the phase's headline, the number, who is called.
std::string TicketFragment(const TicketView& view, Lang lang);
// /t/TOKEN. `events_path` is where the page follows the ticket (SSE).
std::string TicketPage(const TicketView& view, const PageContext& context,
                       const std::string& events_path);
// One Server-Sent Event's data: {"phase", "alert", "html"} as JSON.
std::string TicketEventJson(const TicketView& view, Lang lang);

// / : every service's queue, estimated wait and availability today.
std::string BoardPage(const BoardView& view, const PageContext& context);

// A short page for refusals and errors ("Halaman tidak ditemukan").
std::string MessagePage(const std::string& title, const std::string& text,
                        const PageContext& context);

extern const char kStyleCss[];  // /static/style.css
extern const char kAppJs[];     // /static/app.js

}  // namespace mpp::web
