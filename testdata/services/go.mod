module leakseek.test/services

go 1.19
