// The one translation unit that compiles Asio, Asio SSL and Beast (separate compilation):
// everything else, plugins included, uses their headers only, which keeps builds fast.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
