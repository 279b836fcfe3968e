#pragma once
// What a control-plane operation answers: an HTTP-shaped status with a JSON body, or a
// problem with field errors. The api layer turns it into a response; nothing more.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace srtgw::control {

struct FieldError {
  std::string field;
  std::string message;
};

struct Reply {
  int status = 200;
  nlohmann::json body;             // when status < 400
  std::string title;               // when status >= 400
  std::string detail;              // when status >= 400
  std::vector<FieldError> errors;  // when status >= 400
  std::string location;            // 201 Created

  static Reply ok(nlohmann::json body, int status = 200) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Reply fail(int status, std::string title, std::string detail,
                    std::vector<FieldError> errors = {}) {
    Reply r;
    r.status = status;
    r.title = std::move(title);
    r.detail = std::move(detail);
    r.errors = std::move(errors);
    return r;
  }
};

}  // namespace srtgw::control
