import Testing

@testable import HXSweep

// Tests of HXSweep are added by the issue that builds it.
