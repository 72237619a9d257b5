// Parse-only yardstick near the limit: simdjson (3.x) On-Demand over a JSON
// Lines file with iterate_many (document_stream), visiting every report's
// hostname, errorCode and each failedCertChain string (unescaped), with the
// fields either at the top level or under "meta".
// Build: g++ -O2 -std=c++17 parse_simdjson.cpp $(pkg-config --cflags --libs simdjson)
#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <vector>
#include <cstdint>
#include <string_view>

using namespace simdjson;

struct Totals {
    uint64_t reports = 0, with_code = 0, code_match = 0, certs = 0, cert_chars = 0,
             host_chars = 0, errors = 0;
};

// Visit the report fields of one object; returns false on a parse error.
static bool visit_report(ondemand::object obj, Totals &t, int depth)
{
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key))
            return false;
        ondemand::value v;
        if (field.value().get(v))
            return false;
        if (key == "hostname") {
            std::string_view h;
            if (v.get_string().get(h))
                return false;
            t.host_chars += h.size();
        } else if (key == "errorCode") {
            double d;  // accepts -8179 and -8179.0
            if (v.get_double().get(d))
                return false;
            t.with_code++;
            if (d == -8179.0)
                t.code_match++;
        } else if (key == "failedCertChain") {
            ondemand::array arr;
            if (v.get_array().get(arr))
                return false;
            for (auto el : arr) {
                std::string_view s;
                if (el.get_string().get(s))
                    return false;
                t.certs++;
                t.cert_chars += s.size();
            }
        } else if (key == "meta" && depth == 0) {
            ondemand::object inner;
            if (v.get_object().get(inner) || !visit_report(inner, t, 1))
                return false;
        }
        // other fields are skipped by the iterator
    }
    return true;
}

// The file is read in fixed-size chunks into one reused, padded buffer (cut at
// the last newline; the tail moves to the front of the next chunk): on this
// kind of VM faulting in fresh anonymous memory costs ~10 us per page, so
// padded_string::load() of a 1 GB file spends more time in the kernel than
// simdjson spends parsing.
static bool parse_buffer(ondemand::parser &parser, const char *buf, size_t len, Totals &t)
{
    ondemand::document_stream stream;
    // batch must hold the largest report; 4 MiB is ample for TLS reports
    auto err = parser.iterate_many(buf, len, 4 << 20).get(stream);
    if (err) {
        std::fprintf(stderr, "iterate_many: %s\n", error_message(err));
        return false;
    }
    for (auto it = stream.begin(); it != stream.end(); ++it) {
        auto doc = *it;
        ondemand::object obj;
        if (doc.get_object().get(obj) || !visit_report(obj, t, 0)) {
            t.errors++;
            continue;
        }
        t.reports++;
    }
    if (stream.truncated_bytes())
        t.errors++;
    return true;
}

int main(int argc, char **argv)
{
    Totals t;
    ondemand::parser parser;
    const size_t chunk = 16u << 20;
    std::vector<char> buf(chunk + SIMDJSON_PADDING);
    for (int a = 1; a < argc; a++) {
        FILE *f = std::fopen(argv[a], "rb");
        if (!f) {
            std::perror(argv[a]);
            return 2;
        }
        size_t have = 0;
        for (;;) {
            size_t n = std::fread(buf.data() + have, 1, chunk - have, f);
            have += n;
            bool eof = n == 0 || std::feof(f);
            size_t cut = have;
            if (!eof) {
                const char *nl = static_cast<const char *>(memrchr(buf.data(), '\n', have));
                if (!nl) {
                    std::fprintf(stderr, "%s: a report longer than %zu bytes\n", argv[a], chunk);
                    return 2;
                }
                cut = (size_t)(nl - buf.data()) + 1;
            }
            if (cut && !parse_buffer(parser, buf.data(), cut, t))
                return 2;
            std::memmove(buf.data(), buf.data() + cut, have - cut);
            have -= cut;
            if (eof)
                break;
        }
        std::fclose(f);
    }
    std::printf("{\"reports\": %llu, \"errorCode_-8179\": %llu, \"certs\": %llu, "
                "\"cert_chars\": %llu, \"hostname_chars\": %llu, \"errors\": %llu}\n",
                (unsigned long long)t.reports, (unsigned long long)t.code_match,
                (unsigned long long)t.certs, (unsigned long long)t.cert_chars,
                (unsigned long long)t.host_chars, (unsigned long long)t.errors);
    return t.errors ? 1 : 0;
}
