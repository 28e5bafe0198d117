import Testing

@testable import HXCalibration

// Tests of HXCalibration are added by the issue that builds it.
