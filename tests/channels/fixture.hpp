// Reads a JSON fixture from tests/channels/data.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ponte::channels::test {

inline std::string read_fixture(const std::string& name) {
  const std::string path = std::string(PONTE_TEST_DATA) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace ponte::channels::test
