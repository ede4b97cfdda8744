#include "h5_attributes.h"

#include <vector>

#include "h5_api.h"
#include "h5_types.h"
#include "mpibatch/error.h"

namespace mpibatch::io::h5 {
namespace {

void write_scalar(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type,
                  const void* value, bool replace = true) {
  if (replace && h5a_exists(loc, name)) h5a_delete(loc, name);
  DataSpace space = h5s_create_scalar();
  Attribute attribute = h5a_create(loc, name, file_type, space.id());
  h5a_write(attribute.id(), mem_type, value);
}

template <class T>
T read_number(hid_t loc, const std::string& name) {
  Attribute attribute = h5a_open(loc, name);
  DataType type = h5a_get_type(attribute.id());
  const H5T_class_t type_class = h5t_get_class(type.id());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT && type_class != H5T_ENUM)
    throw IoError("attribute '" + name + "' of '" + object_path(loc) + "' is not a number");
  T value{};
  h5a_read(attribute.id(), native<T>(), &value);
  return value;
}

}  // namespace

void write_attribute(hid_t loc, const std::string& name, const std::string& value) {
  const char* data = value.c_str();
  write_scalar(loc, name, shared_utf8_string_type(), shared_utf8_string_type(), &data);
}

void add_attribute(hid_t loc, const std::string& name, const std::string& value) {
  const char* data = value.c_str();
  write_scalar(loc, name, shared_utf8_string_type(), shared_utf8_string_type(), &data, false);
}

void add_attribute(hid_t loc, const std::string& name, std::uint32_t value) {
  write_scalar(loc, name, H5T_STD_U32LE, native<std::uint32_t>(), &value, false);
}

void write_attribute(hid_t loc, const std::string& name, std::int32_t value) {
  write_scalar(loc, name, H5T_STD_I32LE, native<std::int32_t>(), &value);
}

void write_attribute(hid_t loc, const std::string& name, std::uint32_t value) {
  write_scalar(loc, name, H5T_STD_U32LE, native<std::uint32_t>(), &value);
}

void write_attribute(hid_t loc, const std::string& name, double value) {
  write_scalar(loc, name, H5T_IEEE_F64LE, native<double>(), &value);
}

bool has_attribute(hid_t loc, const std::string& name) { return h5a_exists(loc, name); }

std::string read_string_attribute(hid_t loc, const std::string& name) {
  Attribute attribute = h5a_open(loc, name);
  DataType file_type = h5a_get_type(attribute.id());
  if (h5t_get_class(file_type.id()) != H5T_STRING)
    throw IoError("attribute '" + name + "' of '" + object_path(loc) + "' is not a string");
  if (h5t_is_variable_str(file_type.id())) {
    DataType mem_type = utf8_string_type();
    char* data = nullptr;
    h5a_read(attribute.id(), mem_type.id(), &data);
    std::string value = data != nullptr ? data : "";
    DataSpace space = h5a_get_space(attribute.id());
    h5d_vlen_reclaim(mem_type.id(), space.id(), &data);
    return value;
  }
  // Fixed-length: read as stored (same size, padding and character set).
  DataType mem_type = h5t_copy(file_type.id());
  std::vector<char> buffer(h5t_get_size(file_type.id()) + 1, '\0');
  h5a_read(attribute.id(), mem_type.id(), buffer.data());
  std::string value(buffer.data());                                // up to the first NUL
  while (!value.empty() && value.back() == ' ') value.pop_back();  // space-padded strings
  return value;
}

std::int64_t read_int_attribute(hid_t loc, const std::string& name) {
  return read_number<std::int64_t>(loc, name);
}

double read_double_attribute(hid_t loc, const std::string& name) {
  return read_number<double>(loc, name);
}

std::string read_string_attribute_or(hid_t loc, const std::string& name,
                                     const std::string& fallback) {
  return h5a_exists(loc, name) ? read_string_attribute(loc, name) : fallback;
}

std::int64_t read_int_attribute_or(hid_t loc, const std::string& name, std::int64_t fallback) {
  return h5a_exists(loc, name) ? read_int_attribute(loc, name) : fallback;
}

double read_double_attribute_or(hid_t loc, const std::string& name, double fallback) {
  return h5a_exists(loc, name) ? read_double_attribute(loc, name) : fallback;
}

}  // namespace mpibatch::io::h5
