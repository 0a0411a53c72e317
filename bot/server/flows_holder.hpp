// The live FlowSet, swapped whole on reload: a step in progress keeps the set
// it started with (it holds a shared_ptr), the next one sees the new set.
#pragma once

#include "bot/engine/flow_set.hpp"

#include <atomic>
#include <memory>

namespace ponte::server {

class FlowsHolder {
 public:
  explicit FlowsHolder(std::shared_ptr<const engine::FlowSet> flows) : flows_(std::move(flows)) {}
  std::shared_ptr<const engine::FlowSet> get() const { return flows_.load(); }
  void set(std::shared_ptr<const engine::FlowSet> flows) { flows_.store(std::move(flows)); }

 private:
  std::atomic<std::shared_ptr<const engine::FlowSet>> flows_;
};

}  // namespace ponte::server
