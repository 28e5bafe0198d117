import CGSL

/// Process-wide GSL set-up, done once before any GSL call.
enum GSLRuntime {
    /// GSL's default error handler aborts the process. Every wrapper in this module checks the
    /// returned status and throws instead, so the handler is switched off once, on first use.
    static let prepared: Bool = {
        _ = gsl_set_error_handler_off()
        return true
    }()

    /// Throws ``NumericsError/gsl(function:status:message:)`` for a non-zero GSL status.
    static func check(_ status: Int32, _ function: String) throws {
        guard status != Int32(GSL_SUCCESS) else { return }
        let message = gsl_strerror(status).map { String(cString: $0) } ?? "unknown error"
        throw NumericsError.gsl(function: function, status: status, message: message)
    }
}
