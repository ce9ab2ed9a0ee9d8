# Writes the bytes of IN as a comma-separated list of integers to OUT.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE ",$" "" bytes "${bytes}")
file(WRITE ${OUT} "${bytes}\n")
