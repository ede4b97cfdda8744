#pragma once
/// \file Checked HDF5 calls (private to the io module).
///
/// One helper per raw H5* call that the io module makes. Each checks the result and, on
/// failure, throws IoError with what was being done, on which object, and the HDF5 error
/// stack's message (see h5_error.h). Helpers that create or open an object return the RAII
/// handle that owns it. Only io/h5_* files include this header.
/// \code
///   h5::File file = h5::h5f_open(path, H5F_ACC_RDONLY, fapl.id());
///   h5::DataSet values = h5::h5d_open(file.id(), "results/chapter_000001/values");
///   std::vector<hsize_t> dims = h5::h5s_get_dims(h5::h5d_get_space(values.id()).id());
/// \endcode

#include <hdf5.h>

#include <string>
#include <vector>

#include "h5_handle.h"

namespace mpibatch::io::h5 {

/// The HDF5 path of an object ("/results/chapter_000001"), or "?" if it has none. Never throws.
std::string object_path(hid_t id);
/// "<path of loc>/<name>" for error messages.
std::string child_path(hid_t loc, const std::string& name);
/// The run-time HDF5 library version, "1.10.8".
std::string library_version();

// --- H5F: files ---------------------------------------------------------------------------
/// Truncates an existing file.
File h5f_create(const std::string& path, hid_t fcpl, hid_t fapl);
File h5f_open(const std::string& path, unsigned flags, hid_t fapl);
/// >0 HDF5, 0 not HDF5; throws if the file cannot be read at all.
bool h5f_is_hdf5(const std::string& path);
void h5f_flush(hid_t file);
/// Closes now, checking the result (the destructor would ignore a failure).
void h5f_close(File& file);

// --- H5G / H5L / H5O / H5I: groups, links, objects -------------------------------------------
Group h5g_create(hid_t loc, const std::string& name, hid_t gcpl = H5P_DEFAULT);
Group h5g_open(hid_t loc, const std::string& name);
bool h5l_exists(hid_t loc, const std::string& name);
/// Names of the links in a group, in name order.
std::vector<std::string> h5l_names(hid_t group);
Object h5o_open(hid_t loc, const std::string& name);
H5I_type_t h5i_get_type(hid_t id);

// --- H5S: dataspaces ------------------------------------------------------------------------
DataSpace h5s_create_scalar();
/// A simple dataspace; `maxdims` empty means fixed at `dims`.
DataSpace h5s_create_simple(const std::vector<hsize_t>& dims,
                            const std::vector<hsize_t>& maxdims = {});
std::vector<hsize_t> h5s_get_dims(hid_t space);

// --- H5T: datatypes -------------------------------------------------------------------------
DataType h5t_copy(hid_t type);
DataType h5t_create(H5T_class_t type_class, std::size_t size);
DataType h5t_enum_create(hid_t base);
void h5t_enum_insert(hid_t type, const std::string& name, long long value);
void h5t_insert(hid_t compound, const std::string& name, std::size_t offset, hid_t member);
void h5t_set_size(hid_t type, std::size_t size);
void h5t_set_cset(hid_t type, H5T_cset_t cset);
void h5t_pack(hid_t type);
H5T_class_t h5t_get_class(hid_t type);
std::size_t h5t_get_size(hid_t type);
H5T_sign_t h5t_get_sign(hid_t type);
bool h5t_is_variable_str(hid_t type);
int h5t_get_nmembers(hid_t type);
/// The member's index, or -1 if the compound has no member of that name (not an error).
int h5t_find_member(hid_t compound, const std::string& name);

// --- H5D: datasets --------------------------------------------------------------------------
DataSet h5d_create(hid_t loc, const std::string& name, hid_t type, hid_t space, hid_t dcpl,
                   hid_t dapl = H5P_DEFAULT);
DataSet h5d_open(hid_t loc, const std::string& name);
DataSpace h5d_get_space(hid_t dataset);
DataType h5d_get_type(hid_t dataset);
/// Writes the whole dataset from `buffer` (memory layout described by `mem_type`), with the
/// transfer properties `dxpl`.
void h5d_write(hid_t dataset, hid_t mem_type, const void* buffer, hid_t dxpl = H5P_DEFAULT);
/// Reads the whole dataset into `buffer`.
void h5d_read(hid_t dataset, hid_t mem_type, void* buffer);
/// Frees the variable-length data HDF5 allocated in `buffer` by a read. Never throws.
void h5d_vlen_reclaim(hid_t mem_type, hid_t space, void* buffer) noexcept;

// --- H5A: attributes ------------------------------------------------------------------------
Attribute h5a_create(hid_t loc, const std::string& name, hid_t type, hid_t space);
Attribute h5a_open(hid_t loc, const std::string& name);
bool h5a_exists(hid_t loc, const std::string& name);
void h5a_delete(hid_t loc, const std::string& name);
void h5a_write(hid_t attribute, hid_t mem_type, const void* buffer);
void h5a_read(hid_t attribute, hid_t mem_type, void* buffer);
DataType h5a_get_type(hid_t attribute);
DataSpace h5a_get_space(hid_t attribute);

// --- H5P: property lists --------------------------------------------------------------------
PropList h5p_create(hid_t property_class);
void h5p_set_libver_bounds(hid_t fapl, H5F_libver_t low, H5F_libver_t high);
void h5p_set_fclose_degree(hid_t fapl, H5F_close_degree_t degree);
/// Size of the blocks in which the file's metadata (object headers, heaps, B-trees) is
/// allocated: larger blocks keep metadata together, apart from the raw data.
void h5p_set_meta_block_size(hid_t fapl, hsize_t bytes);

/// Size of the type-conversion (and background) buffers of a transfer list; HDF5 allocates them
/// itself, of this size, for every read or write that converts.
void h5p_set_buffer(hid_t dxpl, std::size_t bytes);

void h5p_set_chunk(hid_t dcpl, const std::vector<hsize_t>& chunk);
void h5p_set_shuffle(hid_t dcpl);
void h5p_set_deflate(hid_t dcpl, unsigned level);
void h5p_set_fill_time(hid_t dcpl, H5D_fill_time_t fill_time);
void h5p_set_alloc_time(hid_t dcpl, H5D_alloc_time_t alloc_time);
void h5p_set_layout(hid_t dcpl, H5D_layout_t layout);
/// Off: no creation/modification times in object headers (faster, reproducible files).
void h5p_set_obj_track_times(hid_t ocpl, bool track);
/// Reserves object header space for a group's links.
void h5p_set_est_link_info(hid_t gcpl, unsigned entries, unsigned name_length);
/// A group or dataset creation list without time stamps (see h5p_set_obj_track_times).
PropList untimed_creation_list(hid_t property_class);

}  // namespace mpibatch::io::h5
