#include "perf/util/csv.hpp"

#include "perf/util/user_error.hpp"

#include <csv.h>

namespace perf::util {

namespace {

struct Collector {
  std::vector<CsvRecord> records;
  CsvRecord current;  // fields so far, and the line where the record began
};

void on_field(void* data, std::size_t length, void* self) {
  auto& c = *static_cast<Collector*>(self);
  c.current.fields.emplace_back(static_cast<const char*>(data), length);
}

void on_record(int, void* self) {
  auto& c = *static_cast<Collector*>(self);
  c.records.push_back(std::move(c.current));
  c.current = {};
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::vector<CsvRecord> read_csv(std::string_view text, const std::string& file) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
    throw UserError(file + ": cannot start the CSV parser");
  Collector c;
  auto fail = [&](const std::string& where) {
    const std::string why = csv_strerror(csv_error(&parser));
    csv_free(&parser);
    throw UserError(file + where + ": " + why);
  };
  // Fed a line at a time so that each record knows the line it began on (libcsv counts
  // records, not lines); a record a quoted newline carries over keeps its first line.
  std::size_t line = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    ++line;
    const auto chunk = text.substr(start, end - start);
    if (c.current.line == 0 && !blank(chunk)) c.current.line = line;
    if (csv_parse(&parser, chunk.data(), chunk.size(), on_field, on_record, &c) != chunk.size())
      fail(":" + std::to_string(line));
    start = end;
  }
  if (csv_fini(&parser, on_field, on_record, &c) != 0)
    fail(": the end (a quote that is never closed?)");
  csv_free(&parser);
  return c.records;
}

}  // namespace perf::util
