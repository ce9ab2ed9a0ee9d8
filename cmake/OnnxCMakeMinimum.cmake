# cmake -DFILE=.../CMakeLists.txt -P OnnxCMakeMinimum.cmake: lowers ONNX's
# cmake_minimum_required from 3.26 to 3.25 (it uses nothing newer).
file(READ ${FILE} text)
string(REPLACE "cmake_minimum_required(VERSION 3.26)" "cmake_minimum_required(VERSION 3.25)" text "${text}")
file(WRITE ${FILE} "${text}")
