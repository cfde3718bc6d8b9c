#pragma once
// A program binary opened with libelf for the readers in this folder, closed when it goes out of
// scope. Opening checks what every reader needs, so each names a bad file the same way.
#include <gelf.h>
#include <libelf.h>

#include <cstdint>
#include <string>

namespace leakseek::binary {

class ElfFile {
 public:
  // Throws InputError naming `path` when it cannot be opened, is not an ELF file, or has no
  // readable section header string table.
  explicit ElfFile(const std::string& path);
  ~ElfFile();
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  Elf* elf() const { return elf_; }
  int fd() const { return fd_; }
  const GElf_Ehdr& header() const { return header_; }
  uint64_t file_size() const { return file_size_; }
  uint64_t ptr_size() const { return header_.e_ident[EI_CLASS] == ELFCLASS32 ? 4 : 8; }
  bool big_endian() const { return header_.e_ident[EI_DATA] == ELFDATA2MSB; }
  // A section's name, or "" when it has none that reads.
  const char* section_name(const GElf_Shdr& sh) const;

 private:
  int fd_ = -1;
  Elf* elf_ = nullptr;
  GElf_Ehdr header_{};
  size_t section_names_ = 0;
  uint64_t file_size_ = 0;
};

}  // namespace leakseek::binary
