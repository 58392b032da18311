// Asio compiled once, here (separate compilation): core and every plugin use its headers only,
// which keeps builds fast and gives the whole process one set of Asio statics.
#include <boost/asio/impl/src.hpp>
