#pragma once
// A read-only memory map of a whole file. Dumps are larger than the memory budget, so readers
// release pages they have passed (release_before) and touch them again only on demand.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace leakseek {

class MappedFile {
 public:
  // Throws InputError naming the path when the file cannot be opened or mapped.
  static std::shared_ptr<const MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

  // Drops resident pages wholly inside [begin, end) from this process; the mapping stays valid
  // and the pages come back from the page cache when touched again.
  void release(size_t begin, size_t end) const;

 private:
  MappedFile(std::string path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  std::string path_;
  const uint8_t* data_;
  size_t size_;
};

}  // namespace leakseek
