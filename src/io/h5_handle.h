#pragma once
/// \file Move-only RAII owners of HDF5 identifiers (private to the io module).
///
/// Each handle type closes its identifier with the matching H5?close on destruction. They are
/// created by the checked helpers in h5_api.h, never from a raw call whose result was not
/// checked. Predefined HDF5 types (H5T_NATIVE_*) are never wrapped: h5_types copies them.

#include <hdf5.h>

#include <utility>

namespace mpibatch::io::h5 {

using CloseFunction = herr_t (*)(hid_t);

/// Owns one HDF5 identifier; `Close` is the function that releases it.
template <CloseFunction Close>
class Handle {
 public:
  Handle() = default;
  /// Takes ownership of a valid identifier.
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }

  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }

  /// Gives up ownership without closing; the caller closes the returned id.
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }

  /// Closes now; a failure to close is ignored (nothing sensible can be done in a destructor).
  void reset() noexcept {
    if (id_ >= 0) (void)Close(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using DataSet = Handle<H5Dclose>;
using DataSpace = Handle<H5Sclose>;
using DataType = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropList = Handle<H5Pclose>;
using Object = Handle<H5Oclose>;  ///< a group or dataset opened by name, kind unknown

}  // namespace mpibatch::io::h5
