#include "events/catalog.h"

#include <utility>

namespace distsync {

std::string_view type_name(const EventPayload& payload) {
  return std::visit([](const auto& p) -> std::string_view { return p.kType; }, payload);
}

template <std::size_t... I>
static std::optional<EventPayload> make_by_name(std::string_view type, std::index_sequence<I...>) {
  std::optional<EventPayload> out;
  (void)((std::variant_alternative_t<I, EventPayload>::kType == type
              ? (out.emplace(std::in_place_index<I>), true)
              : false) ||
         ...);
  return out;
}

std::optional<EventPayload> make_payload(std::string_view type) {
  return make_by_name(type, std::make_index_sequence<std::variant_size_v<EventPayload>>{});
}

template <std::size_t... I>
static std::vector<std::string_view> names(std::index_sequence<I...>) {
  return {std::string_view(std::variant_alternative_t<I, EventPayload>::kType)...};
}

const std::vector<std::string_view>& all_event_types() {
  static const auto kNames = names(std::make_index_sequence<std::variant_size_v<EventPayload>>{});
  return kNames;
}

}  // namespace distsync
