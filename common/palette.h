// The colours of every MPP screen, in one place: the hall's navy, ink and the
// three signal colours, each chosen for the contrast it must give (the layout
// tests check >= 4.5:1 for text, 7:1 for the display's numbers).
#pragma once

#include "common/gui_window.h"  // Rgb

namespace mpp::palette {

inline constexpr ImU32 kNavy = Rgb(11, 45, 110);    // headers, the brand; white on it 12:1
inline constexpr ImU32 kNavyDark = Rgb(6, 28, 72);  // a pressed navy button
inline constexpr ImU32 kInk = Rgb(20, 24, 33);      // body text
inline constexpr ImU32 kMuted = Rgb(80, 88, 104);   // secondary text on white and page: 7:1
inline constexpr ImU32 kPale = Rgb(190, 205, 235);  // secondary text on navy
inline constexpr ImU32 kWhite = Rgb(255, 255, 255);
inline constexpr ImU32 kPage = Rgb(236, 240, 246);   // behind the cards
inline constexpr ImU32 kPanel = Rgb(244, 246, 250);  // a card's inner panel
inline constexpr ImU32 kLine = Rgb(206, 212, 224);   // rules and table lines
inline constexpr ImU32 kBorder = Rgb(176, 184, 198);
inline constexpr ImU32 kGreyButton = Rgb(214, 218, 226);
inline constexpr ImU32 kDisabled = Rgb(200, 204, 212);
inline constexpr ImU32 kDisabledText = Rgb(60, 66, 78);  // 6:1 on kDisabled: readable, plainly off

// Signals. Green, amber and red are dark enough for text on white (>= 5:1)
// and for white text on them.
inline constexpr ImU32 kGreen = Rgb(0, 122, 61);
inline constexpr ImU32 kGreenDark = Rgb(0, 92, 46);
inline constexpr ImU32 kAmber = Rgb(160, 95, 0);
inline constexpr ImU32 kRed = Rgb(190, 24, 24);
inline constexpr ImU32 kBlue = Rgb(40, 120, 200);  // a fourth step (SKM grade B)
// The bright amber of a fresh call on the hall display: a fill, ink on it.
inline constexpr ImU32 kSignal = Rgb(255, 193, 7);
// Pale fills behind a notice in ink.
inline constexpr ImU32 kGreenTint = Rgb(220, 243, 228);
inline constexpr ImU32 kAmberTint = Rgb(255, 236, 179);
inline constexpr ImU32 kRedTint = Rgb(253, 224, 224);

}  // namespace mpp::palette
