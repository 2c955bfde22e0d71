// One case of the project's golden data (test-support/src/main/resources/golden/KIND/CASE, made with the
// authors' PyTorch code): its case.properties and its .npy arrays (float64 or int64, little-endian,
// C order — what the golden data holds; anything else is refused loudly).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace golden {

struct Array {
    std::vector<size_t> shape;
    std::vector<double> values;
};

inline Array read_npy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    char magic[8];
    in.read(magic, 8);
    if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not a .npy file");
    uint32_t headerLength;
    if (magic[6] == 1) {
        uint16_t h;
        in.read(reinterpret_cast<char*>(&h), 2);
        headerLength = h;
    } else {
        in.read(reinterpret_cast<char*>(&headerLength), 4);
    }
    std::string header(headerLength, '\0');
    in.read(&header[0], headerLength);
    bool f8 = header.find("'<f8'") != std::string::npos;
    bool i8 = header.find("'<i8'") != std::string::npos;
    if ((!f8 && !i8) || header.find("'fortran_order': False") == std::string::npos) {
        throw std::runtime_error(path + ": only little-endian float64/int64 in C order is read, header " + header);
    }
    Array a;
    size_t open = header.find('(', header.find("'shape'"));
    size_t close = header.find(')', open);
    std::stringstream dims(header.substr(open + 1, close - open - 1));
    std::string dim;
    size_t count = 1;
    while (std::getline(dims, dim, ',')) {
        if (dim.find_first_not_of(' ') == std::string::npos) continue;
        a.shape.push_back(std::stoul(dim));
        count *= a.shape.back();
    }
    a.values.resize(count);
    for (size_t k = 0; k < count; k++) {
        if (f8) {
            double v;
            in.read(reinterpret_cast<char*>(&v), 8);
            a.values[k] = v;
        } else {
            int64_t v;
            in.read(reinterpret_cast<char*>(&v), 8);
            a.values[k] = (double)v;
        }
    }
    if (!in) throw std::runtime_error(path + ": truncated");
    return a;
}

struct Case {
    std::string name;
    std::string folder;
    std::map<std::string, std::string> properties;

    std::string get(const std::string& key) const {
        auto it = properties.find(key);
        if (it == properties.end()) throw std::runtime_error(name + ": no property " + key);
        return it->second;
    }
    double number(const std::string& key) const { return std::stod(get(key)); }
    bool flag(const std::string& key) const { return get(key) == "true"; }
    bool has(const std::string& array) const { return std::ifstream(folder + "/" + array + ".npy").good(); }
    Array array(const std::string& array) const { return read_npy(folder + "/" + array + ".npy"); }
};

// Every case of one kind, sorted by name.
inline std::vector<Case> cases(const std::string& root, const std::string& kind) {
    std::string dir = root + "/" + kind;
    DIR* d = opendir(dir.c_str());
    if (!d) throw std::runtime_error("no golden data at " + dir);
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    std::vector<Case> out;
    for (const auto& name : names) {
        Case c{kind + "/" + name, dir + "/" + name, {}};
        std::ifstream props(c.folder + "/case.properties");
        if (!props) continue;
        std::string line;
        while (std::getline(props, line)) {
            size_t eq = line.find('=');
            if (eq != std::string::npos && line[0] != '#') c.properties[line.substr(0, eq)] = line.substr(eq + 1);
        }
        out.push_back(c);
    }
    if (out.empty()) throw std::runtime_error("no golden cases in " + dir);
    return out;
}

}  // namespace golden
