#include "h5_api.h"

#include <string>

#include "h5_error.h"

namespace mpibatch::io::h5 {
namespace {

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// The context of an error is built only when there is one: H5Iget_name and string building
// cost more than many of the calls they describe.

/// Checks a call that returns an identifier; returns it if valid.
template <class Context>
hid_t checked_id(hid_t id, Context context) {
  if (id < 0) throw_h5_error(context());
  return id;
}

template <class Context>
void checked(herr_t status, Context context) {
  if (status < 0) throw_h5_error(context());
}

hid_t checked_id(hid_t id, const char* context) {
  if (id < 0) throw_h5_error(context);
  return id;
}

void checked(herr_t status, const char* context) {
  if (status < 0) throw_h5_error(context);
}

}  // namespace

std::string object_path(hid_t id) {
  const ssize_t size = H5Iget_name(id, nullptr, 0);
  if (size <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "?";
  }
  std::string name(static_cast<std::size_t>(size) + 1, '\0');
  H5Iget_name(id, name.data(), name.size());
  name.resize(static_cast<std::size_t>(size));
  return name;
}

std::string child_path(hid_t loc, const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  std::string parent = object_path(loc);
  if (parent == "/") parent.clear();
  return parent + "/" + name;
}

std::string library_version() {
  unsigned major = 0, minor = 0, release = 0;
  checked(H5get_libversion(&major, &minor, &release), "cannot get the HDF5 library version");
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

// --- H5F ------------------------------------------------------------------------------------

File h5f_create(const std::string& path, hid_t fcpl, hid_t fapl) {
  return File(checked_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl),
                         [&] { return "cannot create HDF5 file " + quoted(path); }));
}

File h5f_open(const std::string& path, unsigned flags, hid_t fapl) {
  return File(checked_id(H5Fopen(path.c_str(), flags, fapl),
                         [&] { return "cannot open HDF5 file " + quoted(path); }));
}

bool h5f_is_hdf5(const std::string& path) {
  const htri_t result = H5Fis_hdf5(path.c_str());
  if (result < 0) throw_h5_error("cannot read " + quoted(path));
  return result > 0;
}

void h5f_flush(hid_t file) { checked(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush HDF5 file"); }

void h5f_close(File& file) {
  if (!file.valid()) return;
  // Released first: after a failed H5Fclose the id must not be closed a second time.
  checked(H5Fclose(file.release()), "cannot close HDF5 file");
}

// --- H5G / H5L / H5O / H5I ------------------------------------------------------------------

Group h5g_create(hid_t loc, const std::string& name, hid_t gcpl) {
  return Group(checked_id(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT),
                          [&] { return "cannot create group " + quoted(child_path(loc, name)); }));
}

Group h5g_open(hid_t loc, const std::string& name) {
  return Group(checked_id(H5Gopen2(loc, name.c_str(), H5P_DEFAULT),
                          [&] { return "cannot open group " + quoted(child_path(loc, name)); }));
}

bool h5l_exists(hid_t loc, const std::string& name) {
  const htri_t result = H5Lexists(loc, name.c_str(), H5P_DEFAULT);
  if (result < 0) throw_h5_error("cannot look up " + quoted(child_path(loc, name)));
  return result > 0;
}

namespace {
herr_t append_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> h5l_names(hid_t group) {
  std::vector<std::string> names;
  hsize_t position = 0;
  checked(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &position, append_name, &names),
          [&] { return "cannot list group " + quoted(object_path(group)); });
  return names;
}

Object h5o_open(hid_t loc, const std::string& name) {
  return Object(checked_id(H5Oopen(loc, name.c_str(), H5P_DEFAULT),
                           [&] { return "cannot open " + quoted(child_path(loc, name)); }));
}

H5I_type_t h5i_get_type(hid_t id) {
  const H5I_type_t type = H5Iget_type(id);
  if (type == H5I_BADID) throw_h5_error("invalid HDF5 identifier");
  return type;
}

// --- H5S ------------------------------------------------------------------------------------

DataSpace h5s_create_scalar() {
  return DataSpace(checked_id(H5Screate(H5S_SCALAR), "cannot create a scalar dataspace"));
}

DataSpace h5s_create_simple(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& maxdims) {
  return DataSpace(checked_id(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                       maxdims.empty() ? nullptr : maxdims.data()),
      [&] { return "cannot create a dataspace of rank " + std::to_string(dims.size()); }));
}

std::vector<hsize_t> h5s_get_dims(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw_h5_error("cannot get the rank of a dataspace");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0)
    throw_h5_error("cannot get the dimensions of a dataspace");
  return dims;
}

// --- H5T ------------------------------------------------------------------------------------

DataType h5t_copy(hid_t type) {
  return DataType(checked_id(H5Tcopy(type), "cannot copy a datatype"));
}

DataType h5t_create(H5T_class_t type_class, std::size_t size) {
  return DataType(checked_id(H5Tcreate(type_class, size), [&] {
    return "cannot create a datatype of " + std::to_string(size) + " bytes";
  }));
}

DataType h5t_enum_create(hid_t base) {
  return DataType(checked_id(H5Tenum_create(base), "cannot create an enum datatype"));
}

void h5t_enum_insert(hid_t type, const std::string& name, long long value) {
  // The value is passed in the enum's base type; every mpibatch enum has base int8.
  const auto narrow = static_cast<signed char>(value);
  checked(H5Tenum_insert(type, name.c_str(), &narrow),
          [&] { return "cannot add " + quoted(name) + " to an enum datatype"; });
}

void h5t_insert(hid_t compound, const std::string& name, std::size_t offset, hid_t member) {
  checked(H5Tinsert(compound, name.c_str(), offset, member),
          [&] { return "cannot add field " + quoted(name) + " to a compound datatype"; });
}

void h5t_set_size(hid_t type, std::size_t size) {
  checked(H5Tset_size(type, size), "cannot set the size of a datatype");
}

void h5t_set_cset(hid_t type, H5T_cset_t cset) {
  checked(H5Tset_cset(type, cset), "cannot set the character set of a string datatype");
}

void h5t_pack(hid_t type) { checked(H5Tpack(type), "cannot pack a compound datatype"); }

H5T_class_t h5t_get_class(hid_t type) {
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class == H5T_NO_CLASS) throw_h5_error("cannot get the class of a datatype");
  return type_class;
}

std::size_t h5t_get_size(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  if (size == 0) throw_h5_error("cannot get the size of a datatype");
  return size;
}

H5T_sign_t h5t_get_sign(hid_t type) {
  const H5T_sign_t sign = H5Tget_sign(type);
  if (sign == H5T_SGN_ERROR) throw_h5_error("cannot get the sign of an integer datatype");
  return sign;
}

bool h5t_is_variable_str(hid_t type) {
  const htri_t result = H5Tis_variable_str(type);
  if (result < 0) throw_h5_error("cannot inspect a string datatype");
  return result > 0;
}

int h5t_get_nmembers(hid_t type) {
  const int members = H5Tget_nmembers(type);
  if (members < 0) throw_h5_error("cannot count the members of a datatype");
  return members;
}

int h5t_find_member(hid_t compound, const std::string& name) {
  const int members = h5t_get_nmembers(compound);
  for (int i = 0; i < members; ++i) {
    char* member = H5Tget_member_name(compound, static_cast<unsigned>(i));
    if (member == nullptr) throw_h5_error("cannot get a member name of a compound datatype");
    const bool match = name == member;
    H5free_memory(member);
    if (match) return i;
  }
  return -1;
}

// --- H5D ------------------------------------------------------------------------------------

DataSet h5d_create(hid_t loc, const std::string& name, hid_t type, hid_t space, hid_t dcpl,
                   hid_t dapl) {
  return DataSet(
      checked_id(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, dcpl, dapl),
                 [&] { return "cannot create dataset " + quoted(child_path(loc, name)); }));
}

DataSet h5d_open(hid_t loc, const std::string& name) {
  return DataSet(checked_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), [&] {
    return "cannot open dataset " + quoted(child_path(loc, name));
  }));
}

DataSpace h5d_get_space(hid_t dataset) {
  return DataSpace(checked_id(H5Dget_space(dataset), [&] {
    return std::string("cannot get the dataspace of dataset " + quoted(object_path(dataset)));
  }));
}

DataType h5d_get_type(hid_t dataset) {
  return DataType(checked_id(H5Dget_type(dataset), [&] {
    return "cannot get the datatype of dataset " + quoted(object_path(dataset));
  }));
}

void h5d_write(hid_t dataset, hid_t mem_type, const void* buffer, hid_t dxpl) {
  checked(H5Dwrite(dataset, mem_type, H5S_ALL, H5S_ALL, dxpl, buffer),
          [&] { return "cannot write dataset " + quoted(object_path(dataset)); });
}

void h5d_read(hid_t dataset, hid_t mem_type, void* buffer) {
  checked(H5Dread(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer),
          [&] { return "cannot read dataset " + quoted(object_path(dataset)); });
}

void h5d_vlen_reclaim(hid_t mem_type, hid_t space, void* buffer) noexcept {
  if (H5Dvlen_reclaim(mem_type, space, H5P_DEFAULT, buffer) < 0) H5Eclear2(H5E_DEFAULT);
}

// --- H5A ------------------------------------------------------------------------------------

Attribute h5a_create(hid_t loc, const std::string& name, hid_t type, hid_t space) {
  return Attribute(
      checked_id(H5Acreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), [&] {
        return std::string("cannot create attribute " + quoted(name) + " of " +
                           quoted(object_path(loc)));
      }));
}

Attribute h5a_open(hid_t loc, const std::string& name) {
  return Attribute(checked_id(H5Aopen(loc, name.c_str(), H5P_DEFAULT), [&] {
    return std::string("cannot open attribute " + quoted(name) + " of " + quoted(object_path(loc)));
  }));
}

bool h5a_exists(hid_t loc, const std::string& name) {
  const htri_t result = H5Aexists(loc, name.c_str());
  if (result < 0)
    throw_h5_error("cannot look up attribute " + quoted(name) + " of " + quoted(object_path(loc)));
  return result > 0;
}

void h5a_delete(hid_t loc, const std::string& name) {
  checked(H5Adelete(loc, name.c_str()), [&] {
    return "cannot delete attribute " + quoted(name) + " of " + quoted(object_path(loc));
  });
}

void h5a_write(hid_t attribute, hid_t mem_type, const void* buffer) {
  checked(H5Awrite(attribute, mem_type, buffer), "cannot write an attribute");
}

void h5a_read(hid_t attribute, hid_t mem_type, void* buffer) {
  checked(H5Aread(attribute, mem_type, buffer), "cannot read an attribute");
}

DataType h5a_get_type(hid_t attribute) {
  return DataType(checked_id(H5Aget_type(attribute), "cannot get the datatype of an attribute"));
}

DataSpace h5a_get_space(hid_t attribute) {
  return DataSpace(checked_id(H5Aget_space(attribute), "cannot get the dataspace of an attribute"));
}

// --- H5P ------------------------------------------------------------------------------------

PropList h5p_create(hid_t property_class) {
  return PropList(checked_id(H5Pcreate(property_class), "cannot create a property list"));
}

void h5p_set_libver_bounds(hid_t fapl, H5F_libver_t low, H5F_libver_t high) {
  checked(H5Pset_libver_bounds(fapl, low, high), "cannot set the file format version bounds");
}

void h5p_set_fclose_degree(hid_t fapl, H5F_close_degree_t degree) {
  checked(H5Pset_fclose_degree(fapl, degree), "cannot set the file close degree");
}

void h5p_set_meta_block_size(hid_t fapl, hsize_t bytes) {
  checked(H5Pset_meta_block_size(fapl, bytes), "cannot set the metadata block size");
}

void h5p_set_buffer(hid_t dxpl, std::size_t bytes) {
  checked(H5Pset_buffer(dxpl, bytes, nullptr, nullptr),
          [&] { return "cannot set a conversion buffer of " + std::to_string(bytes) + " bytes"; });
}

void h5p_set_chunk(hid_t dcpl, const std::vector<hsize_t>& chunk) {
  checked(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()),
          "cannot set the chunk shape");
}

void h5p_set_shuffle(hid_t dcpl) { checked(H5Pset_shuffle(dcpl), "cannot set the shuffle filter"); }

void h5p_set_deflate(hid_t dcpl, unsigned level) {
  checked(H5Pset_deflate(dcpl, level),
          [&] { return "cannot set gzip compression level " + std::to_string(level); });
}

void h5p_set_fill_time(hid_t dcpl, H5D_fill_time_t fill_time) {
  checked(H5Pset_fill_time(dcpl, fill_time), "cannot set the fill time");
}

void h5p_set_alloc_time(hid_t dcpl, H5D_alloc_time_t alloc_time) {
  checked(H5Pset_alloc_time(dcpl, alloc_time), "cannot set the allocation time");
}

void h5p_set_layout(hid_t dcpl, H5D_layout_t layout) {
  checked(H5Pset_layout(dcpl, layout), "cannot set the dataset layout");
}

void h5p_set_obj_track_times(hid_t ocpl, bool track) {
  checked(H5Pset_obj_track_times(ocpl, track ? 1 : 0), "cannot set time tracking");
}

PropList untimed_creation_list(hid_t property_class) {
  PropList plist = h5p_create(property_class);
  h5p_set_obj_track_times(plist.id(), false);
  return plist;
}

void h5p_set_est_link_info(hid_t gcpl, unsigned entries, unsigned name_length) {
  checked(H5Pset_est_link_info(gcpl, entries, name_length), "cannot set the group size estimate");
}

}  // namespace mpibatch::io::h5
