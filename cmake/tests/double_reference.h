// docs/MATH.md §1-§3 in plain double precision, written like the Java reference backend: the judge of the
// host-side kernel tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace ref {

using Vec = std::vector<double>;

struct Options {
    bool euclidean = false;
    double reg = 0.1;
    int iterations = 10;
    bool sigmoid = false;
    bool maskDiagonal = true;
    bool maxScale = true;
    std::vector<int> labels;  // of the first rows; empty for none
};

// Log-domain Sinkhorn keeping every iteration's duals (u[t], t = 1..T; v[t], t = 0..T).
struct Sinkhorn {
    int n, m, T;
    Vec logK, logA, logB;  // logA/logB empty: 0
    std::vector<Vec> u, v;

    double alpha(int i) const { return logA.empty() ? 0 : logA[i]; }
    double beta(int j) const { return logB.empty() ? 0 : logB[j]; }

    Sinkhorn(Vec lk, int n_, int m_, Vec la, Vec lb, int iterations)
        : n(n_), m(m_), T(iterations), logK(std::move(lk)), logA(std::move(la)), logB(std::move(lb)) {
        u.assign(T + 1, Vec(n, 0.0));
        v.assign(T + 1, Vec(m, 0.0));
        for (int t = 1; t <= T; t++) {
            for (int i = 0; i < n; i++) {
                double mx = -INFINITY, s = 0;
                for (int j = 0; j < m; j++) mx = std::max(mx, logK[i * m + j] + v[t - 1][j]);
                for (int j = 0; j < m; j++) s += std::exp(logK[i * m + j] + v[t - 1][j] - mx);
                u[t][i] = alpha(i) - (mx + std::log(s));
            }
            for (int j = 0; j < m; j++) {
                double mx = -INFINITY, s = 0;
                for (int i = 0; i < n; i++) mx = std::max(mx, u[t][i] + logK[i * m + j]);
                for (int i = 0; i < n; i++) s += std::exp(u[t][i] + logK[i * m + j] - mx);
                v[t][j] = beta(j) - (mx + std::log(s));
            }
        }
    }

    double logPlan(int i, int j) const { return u[T][i] + logK[i * m + j] + v[T][j]; }

    Vec backward(const Vec& gradLogP) const {
        Vec g = gradLogP;
        Vec gu(n, 0.0), gv(m, 0.0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) {
                gu[i] += gradLogP[i * m + j];
                gv[j] += gradLogP[i * m + j];
            }
        for (int t = T; t >= 1; t--) {
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int j = 0; j < m; j++) {
                    double w = gv[j] * std::exp(u[t][i] + logK[i * m + j] + v[t][j] - beta(j));
                    acc += w;
                    g[i * m + j] -= w;
                }
                gu[i] -= acc;
            }
            Vec gvPrev(m, 0.0);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double w = gu[i] * std::exp(u[t][i] + logK[i * m + j] + v[t - 1][j] - alpha(i));
                    gvPrev[j] -= w;
                    g[i * m + j] -= w;
                }
            gv = gvPrev;
            gu.assign(n, 0.0);
        }
        return g;
    }
};

inline double sigmoid(double t) { return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t)); }

// BPA on one set: forward in the constructor, backward on demand.
struct Bpa {
    Options o;
    int n, d;
    Vec x, unit, norms, dist, raw;
    double maxDist = 0, scale = 1;
    Sinkhorn* sk = nullptr;
    Vec out;

    Bpa(const Vec& x_, int n_, int d_, Options opt) : o(std::move(opt)), n(n_), d(d_), x(x_) {
        Vec cost(n * n);
        if (!o.euclidean) {
            unit.assign(n * d, 0);
            norms.assign(n, 0);
            for (int i = 0; i < n; i++) {
                double sq = 0;
                for (int k = 0; k < d; k++) sq += x[i * d + k] * x[i * d + k];
                norms[i] = std::sqrt(sq);
                for (int k = 0; k < d; k++) unit[i * d + k] = x[i * d + k] / std::max(norms[i], 1e-12);
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int k = 0; k < d; k++) dot += unit[i * d + k] * unit[j * d + k];
                    cost[i * n + j] = 1 - dot;
                }
        } else {
            dist.assign(n * n, 0);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    double sq = 0;
                    for (int k = 0; k < d; k++) sq += (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]);
                    dist[i * n + j] = std::sqrt(sq);
                    maxDist = std::max(maxDist, dist[i * n + j]);
                }
            for (int k = 0; k < n * n; k++) cost[k] = maxDist > 0 ? dist[k] / maxDist : 0;
        }
        Vec logK(n * n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                logK[i * n + j] = -((o.maskDiagonal && i == j) ? 1e5 : cost[i * n + j]) / o.reg;
        sk = new Sinkhorn(logK, n, n, {}, {}, o.iterations);
        raw.assign(n * n, 0);
        double mx = -INFINITY;
        for (int k = 0; k < n * n; k++) {
            double lp = sk->logPlan(k / n, k % n);
            raw[k] = o.sigmoid ? sigmoid(lp) : std::exp(lp);
            mx = std::max(mx, raw[k]);
        }
        scale = o.maxScale ? mx : 1.0;
        out.assign(n * n, 0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) out[i * n + j] = value(i, j);
    }
    ~Bpa() { delete sk; }
    Bpa(const Bpa&) = delete;

    int L() const { return (int)o.labels.size(); }
    bool overwritten(int i, int j) const { return (o.maskDiagonal && i == j) || (i < L() && j < L()); }

    double value(int i, int j) const {
        if (o.maskDiagonal && i == j) return 1;
        if (i < L() && j < L()) return o.labels[i] == o.labels[j] ? 1 : 0;
        return raw[i * n + j] / scale;
    }

    Vec backward(const Vec& G) const {
        Vec gLogP(n * n, 0.0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (overwritten(i, j)) continue;
                double gz = G[i * n + j] / scale, z = raw[i * n + j];
                gLogP[i * n + j] = o.sigmoid ? gz * z * (1 - z) : gz * z;
            }
        Vec gLogK = sk->backward(gLogP);
        Vec S(n * n, 0.0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (!(o.maskDiagonal && i == j)) S[i * n + j] = -gLogK[i * n + j] / o.reg;
        Vec gx(n * d, 0.0);
        if (!o.euclidean) {
            for (int i = 0; i < n; i++) {
                Vec gu(d, 0.0);
                for (int j = 0; j < n; j++)
                    for (int k = 0; k < d; k++) gu[k] -= (S[i * n + j] + S[j * n + i]) * unit[j * d + k];
                double radial = 0;
                for (int k = 0; k < d; k++) radial += unit[i * d + k] * gu[k];
                for (int k = 0; k < d; k++)
                    gx[i * d + k] = norms[i] > 1e-12 ? (gu[k] - unit[i * d + k] * radial) / norms[i] : gu[k] / 1e-12;
            }
            return gx;
        }
        if (maxDist == 0) return gx;
        Vec gDist(n * n);
        double gMax = 0;
        int ties = 0;
        for (int k = 0; k < n * n; k++) {
            gDist[k] = S[k] / maxDist;
            gMax -= S[k] * dist[k] / (maxDist * maxDist);
            if (dist[k] == maxDist) ties++;
        }
        for (int k = 0; k < n * n; k++)
            if (dist[k] == maxDist) gDist[k] += gMax / ties;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double dij = dist[i * n + j];
                if (dij == 0) continue;
                double s = (gDist[i * n + j] + gDist[j * n + i]) / dij;
                for (int k = 0; k < d; k++) gx[i * d + k] += s * (x[i * d + k] - x[j * d + k]);
            }
        return gx;
    }
};

}  // namespace ref
