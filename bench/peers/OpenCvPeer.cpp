//===- OpenCvPeer.cpp - OpenCV's filter2D for single-channel images -------===//
//
// cv::filter2D computes a correlation (no kernel flip) of the whole source
// image, extending it past its borders. To compute exactly output += the
// valid-region correlation, the source given to it is a view of the input's
// top-left OH×OW pixels with the anchor at the kernel's corner: each output
// pixel then reads input pixels inside the full image, which OpenCV takes
// from the parent matrix of the view instead of extrapolating a border (no
// BORDER_ISOLATED). Zero padding, when the workload has some, is made by
// copyMakeBorder into a scratch image.
//
// Timed: [copyMakeBorder,] filter2D into a scratch image, cv::add of it into
// the output (filter2D cannot accumulate).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Peer.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>

namespace autoconfig {
namespace {

struct FilterPlan {
  cv::Mat input, filter, output, padded, result;
  cv::Point anchor{0, 0};
  int top = 0, bottom = 0, left = 0, right = 0;
  bool pad = false;

  void run() {
    if (pad)
      cv::copyMakeBorder(input, padded, top, bottom, left, right,
                         cv::BORDER_CONSTANT, cv::Scalar(0));
    const cv::Mat &source = pad ? padded : input;
    cv::filter2D(source(cv::Rect(0, 0, output.cols, output.rows)), result,
                 /*ddepth=*/-1, filter, anchor, /*delta=*/0,
                 cv::BORDER_REFLECT_101);
    cv::add(output, result, output);
  }
};

class OpenCvPeer final : public Peer {
public:
  std::string name() const override { return "opencv"; }
  std::string library() const override { return "OpenCV"; }
  PeerRole role() const override { return PeerRole::DefaultAndStrongest; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    const auto *w = std::get_if<ConvWorkload>(&workload);
    if (!w || w->layout != ConvLayout::Hw || w->strideH != 1 ||
        w->strideW != 1 || w->dilationH != 1 || w->dilationW != 1) {
      whyNot = "single-channel image filters only (layout hw, stride 1, no "
               "dilation)";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    const auto &w = std::get<ConvWorkload>(workload);
    // One thread: OpenCV runs on the calling thread.
    cv::setNumThreads(int(threads));
    if (cv::getNumThreads() != int(threads))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "OpenCV runs on %d threads, not the %u asked for",
          cv::getNumThreads(), threads);
    int type = w.element == ElementKind::F64 ? CV_64F : CV_32F;
    auto plan = std::make_shared<FilterPlan>();
    plan->input = cv::Mat(int(w.h), int(w.w), type, buffers.operands[0].data());
    plan->filter =
        cv::Mat(int(w.kh), int(w.kw), type, buffers.operands[1].data());
    plan->output =
        cv::Mat(int(w.outH()), int(w.outW()), type, buffers.operands[2].data());
    plan->result.create(plan->output.rows, plan->output.cols, type);
    plan->top = int(w.padTop);
    plan->bottom = int(w.padBottom);
    plan->left = int(w.padLeft);
    plan->right = int(w.padRight);
    plan->pad = w.padTop || w.padBottom || w.padLeft || w.padRight;
    if (plan->pad)
      plan->padded.create(int(w.h + w.padTop + w.padBottom),
                          int(w.w + w.padLeft + w.padRight), type);
    lastNote = std::string("cv::filter2D on a view of the ") +
               (plan->pad ? "zero-padded (copyMakeBorder, timed) " : "") +
               "input (valid correlation) into scratch + cv::add into the "
               "output, both timed; OpenCV " CV_VERSION ", IPP " +
               (cv::ipp::useIPP() ? "on" : "off") + ", " +
               std::to_string(threads) + " thread" + (threads == 1 ? "" : "s");
    return [plan] { plan->run(); };
  }

  std::string note() const override { return lastNote; }

private:
  std::string lastNote;
};

PeerRegistration<OpenCvPeer> registration;

} // namespace
} // namespace autoconfig
