//===- TileFit.cpp - Least-squares fit of the register tiles' times -------===//
//
// AutoConfig's cost model weighs the operations of an algorithm with
// per-operation costs measured on the machine (the lambdas of the paper's
// FPO, DM and special-instruction terms). For the GEMM micro-kernel the
// operations of one k step are mr*nv FMAs, nv vector loads and mr
// broadcasts, and a step cannot beat the FMA latency (each accumulator is
// one dependent chain); the fitted form is
//   t = step + max(fma * mr*nv, load * nv + broadcast * mr, latency).
// The max makes it piecewise linear: the fit alternates between assigning
// each tile to the term that bounds it under the current coefficients and
// solving the weighted linear least-squares problem of that assignment
// (relative errors: weights 1/t), with coefficients kept non-negative by
// dropping any that comes out negative and solving again (Lawson and
// Hanson, "Solving Least Squares Problems", 1974, ch. 23, in its simplest
// form), until the assignment no longer changes.
//
//===----------------------------------------------------------------------===//

#include "TileFit.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace autoconfig {
namespace {

constexpr int kParams = 5; // step, fma, load, broadcast, latency

/// Solves A x = b (n x n, partial pivoting); false when singular.
bool solve(std::vector<std::vector<double>> a, std::vector<double> b,
           std::vector<double> &x) {
  size_t n = b.size();
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t row = col + 1; row < n; ++row)
      if (std::fabs(a[row][col]) > std::fabs(a[pivot][col]))
        pivot = row;
    if (std::fabs(a[pivot][col]) < 1e-300)
      return false;
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (size_t row = col + 1; row < n; ++row) {
      double f = a[row][col] / a[col][col];
      for (size_t k = col; k < n; ++k)
        a[row][k] -= f * a[col][k];
      b[row] -= f * b[col];
    }
  }
  x.assign(n, 0);
  for (size_t i = n; i-- > 0;) {
    double sum = b[i];
    for (size_t k = i + 1; k < n; ++k)
      sum -= a[i][k] * x[k];
    x[i] = sum / a[i][i];
  }
  return true;
}

/// The term bounding tile (mr, nv) under `c`: 0 FMAs, 1 loads, 2 latency.
int activeTerm(const TileFit &c, double mr, double nv) {
  double terms[3] = {c.fma * mr * nv, c.load * nv + c.broadcast * mr,
                     c.latency};
  return int(std::max_element(terms, terms + 3) - terms);
}

std::array<double, kParams> asArray(const TileFit &c) {
  return {c.step, c.fma, c.load, c.broadcast, c.latency};
}

void fromArray(TileFit &c, const std::array<double, kParams> &x) {
  c.step = x[0];
  c.fma = x[1];
  c.load = x[2];
  c.broadcast = x[3];
  c.latency = x[4];
}

} // namespace

TileFit fitTiles(const std::vector<TileCost> &tiles, unsigned bits,
                 const TileFit &start) {
  std::vector<const TileCost *> points;
  for (const TileCost &t : tiles)
    if (t.bits == bits && t.secondsPerKStep > 0)
      points.push_back(&t);
  TileFit fit = start;
  fit.bits = bits;
  fit.points = unsigned(points.size());
  if (points.size() < size_t(kParams))
    return fit;
  std::vector<int> assignment(points.size(), -1);
  for (int iteration = 0; iteration < 50; ++iteration) {
    bool changed = false;
    for (size_t i = 0; i < points.size(); ++i) {
      int term = activeTerm(fit, points[i]->mr, points[i]->nv);
      changed |= term != assignment[i];
      assignment[i] = term;
    }
    if (!changed && iteration > 0)
      break;
    // Weighted least squares over the free coefficients; a coefficient with
    // no tile to inform it keeps its value (moved to the right-hand side).
    std::array<bool, kParams> free{true, false, false, false, false};
    for (int term : assignment) {
      if (term == 0)
        free[1] = true;
      if (term == 1)
        free[2] = free[3] = true;
      if (term == 2)
        free[4] = true;
    }
    std::array<double, kParams> x = asArray(fit);
    for (int attempt = 0; attempt < kParams; ++attempt) {
      std::vector<int> columns;
      for (int c = 0; c < kParams; ++c)
        if (free[c])
          columns.push_back(c);
      size_t n = columns.size();
      std::vector<std::vector<double>> ata(n, std::vector<double>(n, 0));
      std::vector<double> atb(n, 0);
      for (size_t i = 0; i < points.size(); ++i) {
        double mr = points[i]->mr, nv = points[i]->nv;
        double t = points[i]->secondsPerKStep;
        std::array<double, kParams> row{1, 0, 0, 0, 0};
        if (assignment[i] == 0)
          row[1] = mr * nv;
        else if (assignment[i] == 1)
          row[2] = nv, row[3] = mr;
        else
          row[4] = 1;
        double rhs = t;
        for (int c = 0; c < kParams; ++c)
          if (!free[c])
            rhs -= row[c] * x[c];
        double w = 1 / (t * t); // relative errors
        for (size_t r = 0; r < n; ++r) {
          atb[r] += w * row[columns[r]] * rhs;
          for (size_t s = 0; s < n; ++s)
            ata[r][s] += w * row[columns[r]] * row[columns[s]];
        }
      }
      std::vector<double> solution;
      if (!solve(ata, atb, solution))
        break;
      bool negative = false;
      for (size_t r = 0; r < n; ++r)
        if (solution[r] < 0) {
          free[columns[r]] = false;
          x[columns[r]] = 0;
          negative = true;
        }
      if (negative)
        continue;
      for (size_t r = 0; r < n; ++r)
        x[columns[r]] = solution[r];
      break;
    }
    fromArray(fit, x);
  }
  double sumSquares = 0;
  fit.maxResidual = 0;
  for (const TileCost *p : points) {
    double r = fit.secondsPerKStep(p->mr, p->nv) / p->secondsPerKStep - 1;
    sumSquares += r * r;
    fit.maxResidual = std::max(fit.maxResidual, std::fabs(r));
  }
  fit.rmsResidual = std::sqrt(sumSquares / double(points.size()));
  return fit;
}

} // namespace autoconfig
