#include "display/phrase.h"

#include <cctype>

namespace mpp::display {
namespace {

const char* LetterId(char c) {
  // Indonesian letter names; vowels are left as the letter, which the voice
  // already says right.
  static const char* kNames[26] = {"A",  "be", "ce", "de", "E",  "ef",  "ge", "ha", "I",
                                   "je", "ka", "el", "em", "en", "O",   "pe", "ki", "er",
                                   "es", "te", "U",  "ve", "we", "eks", "ye", "zet"};
  return kNames[c - 'A'];
}

const char* LetterEn(char c) {
  static const char* kNames[26] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                   "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};
  return kNames[c - 'A'];
}

const char* Digit(char c, Lang lang) {
  static const char* kId[10] = {"nol",  "satu", "dua",   "tiga",    "empat",
                                "lima", "enam", "tujuh", "delapan", "sembilan"};
  static const char* kEn[10] = {"zero", "one", "two",   "three", "four",
                                "five", "six", "seven", "eight", "nine"};
  return (lang == Lang::kId ? kId : kEn)[c - '0'];
}

}  // namespace

std::string SpokenTicketNumber(const std::string& number, Lang lang) {
  std::string out;
  for (char raw : number) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    const char* word = nullptr;
    if (c >= 'A' && c <= 'Z') {
      word = lang == Lang::kId ? LetterId(c) : LetterEn(c);
    } else if (c >= '0' && c <= '9') {
      word = Digit(c, lang);
    } else {
      continue;  // the dash and anything else is not spoken
    }
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

std::string CallPhrase(const std::string& number, const std::string& counter_spoken, bool recall,
                       Lang lang) {
  std::string out;
  if (lang == Lang::kId) {
    if (recall) out += "Panggilan ulang. ";
    out += "Nomor antrean " + SpokenTicketNumber(number, lang) + ". Silakan menuju " +
           counter_spoken + ".";
  } else {
    if (recall) out += "Second call. ";
    out += "Ticket number " + SpokenTicketNumber(number, lang) + ". Please go to " +
           counter_spoken + ".";
  }
  return out;
}

std::string BriefCallPhrase(const std::string& number, const std::string& counter_spoken,
                            bool recall, Lang lang) {
  std::string out;
  if (recall) out += lang == Lang::kId ? "Ulang. " : "Again. ";
  // The counter without its agency ("loket tiga, Disdukcapil" -> "loket tiga"):
  // the screen shows the rest.
  return out + SpokenTicketNumber(number, lang) + ", " +
         counter_spoken.substr(0, counter_spoken.find(',')) + ".";
}

}  // namespace mpp::display
