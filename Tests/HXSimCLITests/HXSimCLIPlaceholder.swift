import Testing

@testable import HXSimCLI

// Tests of HXSimCLI are added by the issue that builds it.
