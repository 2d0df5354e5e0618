#include "display/info_panel.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/temp_dir.h"

namespace mpp::display {
namespace {

TEST(InfoPanel, ListsThePngAndJpegImagesOfTheFolderInNameOrder) {
  testing::TempDir dir;
  for (const char* name :
       {"2-pengaduan.JPG", "1-syarat-ktp.png", "catatan.txt", ".hidden.png", "3-jadwal.jpeg"}) {
    std::ofstream(dir.File(name)) << "x";
  }
  std::filesystem::create_directory(dir.File("sub.png"));  // a folder, not an image
  const auto images = ListImages(dir.path().string());
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(std::filesystem::path(images[0]).filename(), "1-syarat-ktp.png");
  EXPECT_EQ(std::filesystem::path(images[1]).filename(), "2-pengaduan.JPG");
  EXPECT_EQ(std::filesystem::path(images[2]).filename(), "3-jadwal.jpeg");
  EXPECT_TRUE(ListImages(dir.File("missing")).empty());
}

TEST(InfoPanel, AnImageKeepsItsShapeCentredInItsPanel) {
  ImVec2 a, b;
  // A portrait poster (1:1.41) in a wide panel: full height, centred across.
  FitImage(1000, 1414, ImVec2(100, 50), ImVec2(900, 475), &a, &b);
  EXPECT_NEAR(b.y - a.y, 425, 0.5);
  EXPECT_NEAR((b.x - a.x) / (b.y - a.y), 1000.0 / 1414.0, 1e-3);
  EXPECT_NEAR((a.x + b.x) / 2, 500, 0.5);
  // A wide banner in a tall panel: full width, centred down.
  FitImage(1600, 400, ImVec2(0, 0), ImVec2(400, 800), &a, &b);
  EXPECT_NEAR(b.x - a.x, 400, 0.5);
  EXPECT_NEAR(b.y - a.y, 100, 0.5);
  EXPECT_NEAR((a.y + b.y) / 2, 400, 0.5);
}

}  // namespace
}  // namespace mpp::display
