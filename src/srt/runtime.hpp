#pragma once
// libsrt's process-wide start-up and clean-up, reference counted so that every owner
// (engine, relay, tests) can hold one without knowing about the others.

namespace srtgw::srt {

class Runtime {
 public:
  /// Any thread. Starts libsrt on the first instance and routes its log into ours.
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// libsrt's version as "major.minor.patch".
  static const char* version();
};

}  // namespace srtgw::srt
