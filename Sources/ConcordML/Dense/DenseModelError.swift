/// An input error from a dense tabular model (``DenseNetwork``: logistic regression or a
/// multi-task MLP on a ``DenseMatrix``): a matrix, targets, parameters or training options that
/// do not fit together. The same struct as the linear models' errors, so a ``DenseMatrix``'s own
/// refusals pass through unchanged.
public typealias DenseModelError = LinearModelError
