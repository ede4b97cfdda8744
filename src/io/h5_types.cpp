#include "h5_types.h"

#include "h5_api.h"
#include "mpibatch/io/run_records.h"

namespace mpibatch::io::h5 {

DataType utf8_string_type() {
  DataType type = h5t_copy(H5T_C_S1);
  h5t_set_size(type.id(), H5T_VARIABLE);
  h5t_set_cset(type.id(), H5T_CSET_UTF8);
  return type;
}

hid_t shared_utf8_string_type() {
  static const DataType type = utf8_string_type();
  return type.id();
}

DataType item_status_type() {
  DataType type = h5t_enum_create(H5T_NATIVE_INT8);
  for (ItemStatus status : {ItemStatus::kOk, ItemStatus::kFailed, ItemStatus::kSkipped})
    h5t_enum_insert(type.id(), to_string(status), static_cast<long long>(status));
  return type;
}

std::string describe_type(hid_t type) {
  const std::string bits = std::to_string(8 * h5t_get_size(type));
  switch (h5t_get_class(type)) {
    case H5T_INTEGER:
      return (h5t_get_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound[" + std::to_string(h5t_get_nmembers(type)) + "]";
    case H5T_ENUM:
      return "enum";
    default:
      return "other";
  }
}

}  // namespace mpibatch::io::h5
