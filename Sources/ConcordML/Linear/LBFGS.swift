/// Limited-memory BFGS for smooth convex objectives, with a backtracking Armijo line search.
struct LBFGS {
    var memory = 10
    var maxIterations = 1000
    /// Stop when the largest gradient component is below this.
    var gradientTolerance = 1e-10

    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimises `f`, which returns the value and gradient at a point.
    func minimize(start: [Double], _ f: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        let n = start.count
        var x = start
        var (fx, g) = f(x)
        var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
        func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for i in 0..<a.count { s += a[i] * b[i] }
            return s
        }
        var iteration = 0
        while iteration < maxIterations {
            if maxAbs(g) <= gradientTolerance { return Result(x: x, value: fx, iterations: iteration, converged: true) }
            iteration += 1
            // Two-loop recursion: d = −H g.
            var q = g
            var alphas = [Double](repeating: 0, count: sList.count)
            for i in stride(from: sList.count - 1, through: 0, by: -1) {
                let a = rhoList[i] * dot(sList[i], q)
                alphas[i] = a
                for j in 0..<n { q[j] -= a * yList[i][j] }
            }
            if let s = sList.last, let y = yList.last {
                let gamma = dot(s, y) / dot(y, y)
                for j in 0..<n { q[j] *= gamma }
            } else {
                let scale = 1 / max(maxAbs(g), 1)
                for j in 0..<n { q[j] *= scale }
            }
            for i in 0..<sList.count {
                let b = rhoList[i] * dot(yList[i], q)
                for j in 0..<n { q[j] += sList[i][j] * (alphas[i] - b) }
            }
            var d = q.map { -$0 }
            var slope = dot(g, d)
            if !(slope < 0) {
                d = g.map { -$0 }; slope = dot(g, d)
                sList.removeAll(); yList.removeAll(); rhoList.removeAll()
            }
            // Backtracking Armijo line search.
            var step = 1.0
            var accepted = false
            var xNew = x, fNew = fx, gNew = g
            for _ in 0..<60 {
                for j in 0..<n { xNew[j] = x[j] + step * d[j] }
                (fNew, gNew) = f(xNew)
                // Armijo, with a few ulps of slack so that steps near the optimum, where f no longer
                // changes measurably, still reduce the gradient.
                if fNew.isFinite && fNew <= fx + 1e-4 * step * slope + 1e-15 * abs(fx) { accepted = true; break }
                step *= 0.5
            }
            guard accepted else {
                return Result(x: x, value: fx, iterations: iteration, converged: maxAbs(g) <= gradientTolerance * 1e3)
            }
            var s = [Double](repeating: 0, count: n), y = s
            for j in 0..<n { s[j] = xNew[j] - x[j]; y[j] = gNew[j] - g[j] }
            let sy = dot(s, y)
            if sy > 1e-300 {
                sList.append(s); yList.append(y); rhoList.append(1 / sy)
                if sList.count > memory { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
            }
            let progress = fx - fNew
            x = xNew; fx = fNew; g = gNew
            if progress == 0 && maxAbs(s) == 0 { break }
        }
        return Result(x: x, value: fx, iterations: iteration, converged: maxAbs(g) <= gradientTolerance)
    }
}
