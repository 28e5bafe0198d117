import Testing

@testable import HXData

// Tests of HXData are added by the issue that builds it.
