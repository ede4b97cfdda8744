#pragma once
/// \file File-system steps of the audio commit (private to audio): fsync and the folder swap.

#include <filesystem>

namespace mpibatch::audio::detail {

/// The file that marks a folder as written by mpibatch (NOTE [only our own folders]).
inline constexpr char kMarkerFile[] = ".mpibatch-audio";

/// Writes the marker into `folder`; IoError naming it on failure.
void write_marker(const std::filesystem::path& folder);

/// Whether `folder` is a folder that is empty or holds the marker.
bool is_ours_or_empty(const std::filesystem::path& folder);

/// fsync(2) of a file or folder; IoError naming it and the reason on failure.
void sync_path(const std::filesystem::path& path);

/// fsync of every regular file directly in `folder`, then of the folder itself.
void sync_folder(const std::filesystem::path& folder);

/// Moves the complete folder `staging` to `target`, replacing an existing `target`; then
/// fsyncs the parent. Readers see the old folder or the new one: an atomic exchange
/// (renameat2 RENAME_EXCHANGE) where the file system has it, else the old folder is renamed
/// aside first and put back if the second rename fails. The old contents are removed last;
/// failing to remove them only logs a warning. IoError if the move fails.
void replace_folder(const std::filesystem::path& staging, const std::filesystem::path& target);

}  // namespace mpibatch::audio::detail
