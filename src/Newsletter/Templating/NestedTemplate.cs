using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Newsletter.Templating;

/// <summary>
/// A template as a layout's <c>{{ content }}</c>: written into the layout's own writer when the layout
/// reaches it, already encoded by its own rendering (so never encoded twice). Read as a string only if
/// a layout filters it.
/// </summary>
internal sealed class NestedTemplate(IFluidTemplate template, TemplateContext context, TextEncoder encoder) : FluidValue
{
    public override FluidValues Type => FluidValues.String;

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder ignored, CultureInfo cultureInfo) =>
        template.RenderAsync(writer, encoder, context);

    public override string ToStringValue()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        template.RenderAsync(writer, encoder, context).AsTask().GetAwaiter().GetResult();
        return writer.ToString();
    }

    public override bool Equals(FluidValue other) => other is not null && other.ToStringValue() == ToStringValue();

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override object ToObjectValue() => ToStringValue();
}
