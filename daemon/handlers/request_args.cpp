#include "daemon/handlers/request_args.h"

namespace distsync {
namespace {

// The argument's value, or nullptr when it is absent or null.
const nlohmann::json* find_arg(const nlohmann::json& args, std::string_view name) {
  if (!args.is_object()) return nullptr;
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

}  // namespace

Result<std::string> required_string(const nlohmann::json& args, std::string_view name) {
  const nlohmann::json* v = find_arg(args, name);
  if (!v || !v->is_string() || v->get_ref<const std::string&>().empty()) {
    return Status::invalid_argument("missing argument '" + std::string(name) + "'");
  }
  return v->get<std::string>();
}

Result<std::string> optional_string(const nlohmann::json& args, std::string_view name,
                                    std::string fallback) {
  const nlohmann::json* v = find_arg(args, name);
  if (!v) return fallback;
  if (!v->is_string()) return Status::invalid_argument(quoted(name) + " must be a string");
  return v->get<std::string>();
}

Result<bool> optional_bool(const nlohmann::json& args, std::string_view name, bool fallback) {
  const nlohmann::json* v = find_arg(args, name);
  if (!v) return fallback;
  if (!v->is_boolean()) return Status::invalid_argument(quoted(name) + " must be true or false");
  return v->get<bool>();
}

Result<std::uint64_t> optional_uint(const nlohmann::json& args, std::string_view name,
                                    std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
  const nlohmann::json* v = find_arg(args, name);
  if (!v) return fallback;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0)) {
    return Status::invalid_argument(quoted(name) + " must be a non-negative integer");
  }
  const std::uint64_t n = v->get<std::uint64_t>();
  if (n < min || n > max) {
    return Status::invalid_argument(quoted(name) + " must be between " + std::to_string(min) +
                                    " and " + std::to_string(max));
  }
  return n;
}

Result<std::vector<std::string>> optional_string_list(const nlohmann::json& args,
                                                      std::string_view name,
                                                      std::string_view what) {
  std::vector<std::string> out;
  const nlohmann::json* v = find_arg(args, name);
  if (!v) return out;
  const std::string message = std::string(name) + " must be a list of " + std::string(what);
  if (!v->is_array()) return Status::invalid_argument(message);
  for (const auto& item : *v) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      return Status::invalid_argument(message);
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace distsync
