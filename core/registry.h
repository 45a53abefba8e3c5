#pragma once
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tripline {

// Name → factory for one extension point. Built-ins are registered explicitly at start-up
// (register_builtin_*), never by static initialisers that static libraries would drop.
template <typename Factory>
class Registry {
 public:
  using FactoryType = Factory;
  explicit Registry(std::string what) : what_(std::move(what)) {}

  void add(const std::string& name, Factory factory) {
    if (!factories_.emplace(name, std::move(factory)).second) {
      throw std::logic_error(what_ + " '" + name + "' registered twice");
    }
  }
  const Factory* find(const std::string& name) const {
    auto it = factories_.find(name);
    return it == factories_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, _] : factories_) out.push_back(name);
    return out;
  }
  const std::string& what() const { return what_; }

 private:
  std::string what_;
  std::map<std::string, Factory> factories_;
};

}  // namespace tripline
