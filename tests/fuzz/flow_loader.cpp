// libFuzzer target: a flow file and a locale file, as an author writes them,
// loaded and validated with a small real set (tests/engine/data/flows_basic)
// as load_flow_set() does on start and on SIGHUP: the input replaces
// flows/menu.json and locales/en/texts.json. The two files are separated by
// a form feed (\f) in the input. Any input must load or give problems with
// file:line: no exception, crash, leak or undefined behaviour. A set that
// loads has every text rendered in every language.
#include "bot/engine/flow_model.hpp"
#include "tests/support/process.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace {

namespace fs = std::filesystem;
using namespace ponte;

struct Set {
  testing::TempDir dir{"ponte-fuzz-flows"};
  Set() {
    fs::copy(fs::path(PONTE_SOURCE_DIR) / "tests/engine/data/flows_basic", dir.path(),
             fs::copy_options::recursive);
  }
  void write(const char* file, std::string_view content) const {
    std::ofstream out(dir / file, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Set set;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\f');
  set.write("flows/menu.json", input.substr(0, split));
  set.write("locales/en/texts.json",
            split == std::string_view::npos ? std::string_view{} : input.substr(split + 1));
  const auto report = engine::load_flow_set(set.dir / "flows", set.dir / "locales");
  for (const auto& p : report.problems) (void)engine::to_string(p);
  if (!report.ok()) return 0;
  const engine::Args args = {{"position", std::int64_t{3}}, {"when", std::string("lunedì")}};
  for (const auto& [key, entry] : report.flows->catalog) {
    for (const auto& lang : engine::languages(*report.flows)) {
      (void)engine::render(*report.flows, lang.code, key, args);
    }
  }
  return 0;
}
