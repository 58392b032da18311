// Asio SSL and Beast compiled once, here (separate compilation); plugins never include Beast.
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
