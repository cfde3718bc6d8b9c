#include "binary/elf_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/input_error.h"

namespace leakseek::binary {

ElfFile::ElfFile(const std::string& path) {
  if (elf_version(EV_CURRENT) == EV_NONE)
    throw InputError(path, std::nullopt, "libelf is unusable");
  fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw InputError(path, std::nullopt, std::strerror(errno));
  // From here the destructor does not run on a throw: clean up by hand.
  auto fail = [&](const std::string& what) {
    if (elf_) elf_end(elf_);
    close(fd_);
    throw InputError(path, std::nullopt, what);
  };
  struct stat st;
  if (fstat(fd_, &st) != 0) fail(std::strerror(errno));
  file_size_ = static_cast<uint64_t>(st.st_size);
  elf_ = elf_begin(fd_, ELF_C_READ_MMAP, nullptr);
  if (!elf_ || elf_kind(elf_) != ELF_K_ELF || !gelf_getehdr(elf_, &header_))
    fail("not an ELF program");
  if (elf_getshdrstrndx(elf_, &section_names_) != 0) fail(elf_errmsg(-1));
}

ElfFile::~ElfFile() {
  if (elf_) elf_end(elf_);
  if (fd_ >= 0) close(fd_);
}

const char* ElfFile::section_name(const GElf_Shdr& sh) const {
  const char* name = elf_strptr(elf_, section_names_, sh.sh_name);
  return name ? name : "";
}

}  // namespace leakseek::binary
