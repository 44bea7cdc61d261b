import { describe, expect, it } from 'vitest';
import { parseCapabilities, toCapabilities } from './capabilities';
import { faultOf, parseStatus } from './status';

// Shapes devices send that the test server does not: named profiles referenced by `ref`, resolution
// ranges, duplex announced only as an AdfOption, other namespace prefixes, a lower-case doctype.
const CAPS = `<?xml version="1.0" encoding="UTF-8"?>
<!doctype ScannerCapabilities>
<s:ScannerCapabilities xmlns:s="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:p="http://www.pwg.org/schemas/2010/12/sm">
  <p:Version>2.6</p:Version>
  <p:MakeAndModel>Brother MFC-L8900CDW</p:MakeAndModel>
  <s:Manufacturer>Brother</s:Manufacturer>
  <s:UUID>e3248000-80ce-11db-8000-30055ce5c4a1</s:UUID>
  <s:SettingProfiles>
    <s:SettingProfile name="p1">
      <s:ColorModes><s:ColorMode>RGB24</s:ColorMode><s:ColorMode>Grayscale8</s:ColorMode></s:ColorModes>
      <s:DocumentFormats><p:DocumentFormat>image/jpeg</p:DocumentFormat><p:DocumentFormat>application/pdf</p:DocumentFormat></s:DocumentFormats>
      <s:SupportedResolutions>
        <s:DiscreteResolutions>
          <s:DiscreteResolution><s:XResolution>300</s:XResolution><s:YResolution>300</s:YResolution></s:DiscreteResolution>
          <s:DiscreteResolution><s:XResolution>600</s:XResolution><s:YResolution>300</s:YResolution></s:DiscreteResolution>
        </s:DiscreteResolutions>
        <s:ResolutionRange>
          <s:XResolutionRange><s:Min>100</s:Min><s:Max>600</s:Max><s:Step>100</s:Step></s:XResolutionRange>
          <s:YResolutionRange><s:Min>100</s:Min><s:Max>600</s:Max><s:Step>100</s:Step></s:YResolutionRange>
        </s:ResolutionRange>
      </s:SupportedResolutions>
    </s:SettingProfile>
  </s:SettingProfiles>
  <s:Platen><s:PlatenInputCaps>
    <s:MinWidth>16</s:MinWidth><s:MaxWidth>2550</s:MaxWidth><s:MinHeight>16</s:MinHeight><s:MaxHeight>3508</s:MaxHeight>
    <s:SettingProfiles><s:SettingProfile ref="p1"/></s:SettingProfiles>
  </s:PlatenInputCaps></s:Platen>
  <s:Adf>
    <s:AdfSimplexInputCaps>
      <s:MinWidth>16</s:MinWidth><s:MaxWidth>2550</s:MaxWidth><s:MinHeight>16</s:MinHeight><s:MaxHeight>4200</s:MaxHeight>
      <s:SettingProfiles><s:SettingProfile ref="p1"/></s:SettingProfiles>
    </s:AdfSimplexInputCaps>
    <s:AdfOptions><s:AdfOption>DetectPaperLoaded</s:AdfOption><s:AdfOption>Duplex</s:AdfOption></s:AdfOptions>
  </s:Adf>
</s:ScannerCapabilities>`;

describe('eSCL ScannerCapabilities', () => {
  it('resolves profile references, ranges and AdfOption duplex', () => {
    const caps = parseCapabilities(CAPS);
    expect(caps).toMatchObject({ makeAndModel: 'Brother MFC-L8900CDW', manufacturer: 'Brother' });
    expect(caps.inputs.flatbed).toMatchObject({
      colorModes: ['RGB24', 'Grayscale8'],
      formats: ['image/jpeg', 'application/pdf'],
      resolutions: [300], // 600 × 300 is not a square resolution
      resolutionRange: { min: 100, max: 600, step: 100 },
    });
    expect(caps.inputs.duplex).toEqual(caps.inputs.feeder);
    expect(toCapabilities(caps)).toEqual({
      sources: ['duplex', 'feeder', 'flatbed'],
      resolutions: [300],
      colorModes: ['color', 'gray'],
      maxWidthMm: 215.9,
      maxHeightMm: 355.6,
      resolutionRange: { min: 100, max: 600, step: 100 },
    });
  });

  it('drops an input that names no colour mode, as sane-airscan does', () => {
    const broken = CAPS.replace(
      '<s:SettingProfiles><s:SettingProfile ref="p1"/></s:SettingProfiles>\n  </s:PlatenInputCaps>',
      '<s:SettingProfiles><s:SettingProfile><s:DocumentFormats><p:DocumentFormat>image/jpeg</p:DocumentFormat></s:DocumentFormats></s:SettingProfile></s:SettingProfiles>\n  </s:PlatenInputCaps>',
    );
    expect(broken).not.toBe(CAPS);
    expect(Object.keys(parseCapabilities(broken).inputs).sort()).toEqual(['duplex', 'feeder']);
  });

  it('refuses a document that is not ScannerCapabilities', () => {
    expect(() => parseCapabilities('<html><body>Login</body></html>')).toThrow(/ScannerCapabilities/);
  });
});

describe('eSCL ScannerStatus', () => {
  const status = (state: string, adf?: string) =>
    parseStatus(
      `<scan:ScannerStatus xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">` +
        `<pwg:Version>2.6</pwg:Version><pwg:State>${state}</pwg:State>` +
        (adf ? `<scan:AdfState>${adf}</scan:AdfState>` : '') +
        `<scan:Jobs><scan:JobInfo><pwg:JobUri>/eSCL/ScanJobs/7</pwg:JobUri><pwg:JobState>Aborted</pwg:JobState>` +
        `<pwg:ImagesCompleted>3</pwg:ImagesCompleted><pwg:JobStateReasons><pwg:JobStateReason>JobAbortedBySystem</pwg:JobStateReason>` +
        `</pwg:JobStateReasons></scan:JobInfo></scan:Jobs></scan:ScannerStatus>`,
    );

  it('reads state, feeder state and jobs', () => {
    expect(status('Idle', 'ScannerAdfJam')).toEqual({
      state: 'Idle',
      adfState: 'ScannerAdfJam',
      jobs: [
        { uri: '/eSCL/ScanJobs/7', state: 'Aborted', reasons: ['JobAbortedBySystem'], imagesCompleted: 3 },
      ],
    });
  });

  it.each([
    ['Idle', 'ScannerAdfEmpty', 'no-paper'],
    ['Idle', 'ScannerAdfJam', 'paper-jam'],
    ['Idle', 'ScannerAdfHatchOpen', 'cover-open'],
    ['Idle', 'ScannerAdfMultipickDetected', 'double-feed'],
    ['Down', 'ScannerAdfEmpty', 'device-gone'],
    ['Down', undefined, 'device-gone'],
    ['Idle', 'ScannerAdfLoaded', undefined],
    ['Processing', undefined, undefined],
  ])('%s / %s means %s', (state, adf, fault) => {
    expect(faultOf(status(state, adf))).toBe(fault);
  });
});
