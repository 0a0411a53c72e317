// libFuzzer target: one catalog text, as a translator writes it in
// locales/<lang>/*.json, compiled as the loader does (ICU MessageFormat)
// and, when it compiles, formatted with arguments as step() does. Any text
// must compile or give a clear error; formatting must not crash, leak or
// run into undefined behaviour, whatever the arguments.
#include "bot/engine/flow_model.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace {

// Languages with different plural rules and scripts, as the catalogs hold.
constexpr std::array<const char*, 9> kLanguages = {"en", "it", "ar", "fr", "es",
                                                   "uk", "ru", "bn", "zh"};
// Argument names the bundled catalogs use, and two they never do.
constexpr std::array<const char*, 8> kNames = {"position", "when", "name", "count",
                                               "n",        "date", "",     "a b"};
// String values: a name, nothing, digits in another script, markup, a long one.
const std::array<std::string, 5> kStrings = {"Amina", "", "\u0663\u0664", "<b>'{x}'</b>",
                                             std::string(300, 'x')};

}  // namespace

// The input is the text, then from its end (FuzzedDataProvider's order): the
// language, the number of arguments, and for each its name, type and value.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string lang = in.PickValueInArray(kLanguages);
  ponte::engine::Args args;
  const auto count = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < count; ++i) {
    std::string name = in.PickValueInArray(kNames);
    switch (in.ConsumeIntegralInRange<int>(0, 2)) {
      case 0: args.emplace_back(std::move(name), in.ConsumeIntegral<std::int64_t>()); break;
      case 1: args.emplace_back(std::move(name), in.ConsumeFloatingPoint<double>()); break;
      default: args.emplace_back(std::move(name), in.PickValueInArray(kStrings)); break;
    }
  }
  const std::string text = in.ConsumeRemainingBytesAsString();
  auto message = ponte::engine::compile_message(text, lang);
  if (message) (void)ponte::engine::format_message(**message, args);
  return 0;
}
