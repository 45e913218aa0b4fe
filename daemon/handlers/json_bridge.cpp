#include "daemon/handlers/json_bridge.h"

namespace distsync {

nlohmann::json without_versions(nlohmann::json value) {
  if (value.is_object()) {
    value.erase("cereal_class_version");
    for (auto& [key, v] : value.items()) v = without_versions(v);
  } else if (value.is_array()) {
    for (auto& v : value) v = without_versions(v);
  }
  return value;
}

static bool compatible(const nlohmann::json& field, const nlohmann::json& given) {
  if (field.is_number()) return given.is_number();
  if (field.is_boolean()) return given.is_boolean();
  if (field.is_string()) return given.is_string();
  if (field.is_array()) return given.is_array();
  if (field.is_object()) return given.is_object();
  return true;
}

Status check_known_fields(const nlohmann::json& base, const nlohmann::json& changes,
                          const std::string& where) {
  for (const auto& [key, given] : changes.items()) {
    if (key == "cereal_class_version") {
      return Status::invalid_argument(where + ": cereal_class_version cannot be set");
    }
    auto it = base.find(key);
    if (it == base.end()) return Status::invalid_argument(where + " has no field '" + key + "'");
    if (!compatible(*it, given)) {
      return Status::invalid_argument(where + " field '" + key + "' must be a " +
                                      std::string(it->type_name()) + ", not " + given.type_name());
    }
    // component_dirs is a map: any key is allowed inside it.
    if (it->is_object() && key != "component_dirs") {
      Status s = check_known_fields(*it, given, where + "." + key);
      if (!s.is_ok()) return s;
    }
  }
  return Status::ok();
}

}  // namespace distsync
